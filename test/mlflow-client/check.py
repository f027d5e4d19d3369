"""
Drives a tracking server with the real MLflow 2.x Python client, the way training code does, and
prints a normalised summary (ids and times replaced) so two servers' answers can be diffed:

    /usr/bin/python3 test/mlflow-client/check.py http://127.0.0.1:5000 > slipway.json
    /usr/bin/python3 test/mlflow-client/check.py http://127.0.0.1:5001 > mlflow.json   # MLflow's own server
    diff mlflow.json slipway.json

It needs MLflow's client importable (see the README, "Checking against the real MLflow client"); it
is run by hand, never by the test suite. Every step that raises is reported, not fatal, so one
difference does not hide the next.
"""
import json
import os
import sys
import tempfile
import time

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

url = sys.argv[1]
mlflow.set_tracking_uri(url)
client = MlflowClient(tracking_uri=url)
out = {}
suffix = os.environ.get("CHECK_SUFFIX", str(int(time.time())))


def step(name, fn):
    try:
        out[name] = fn()
    except MlflowException as e:
        out[name] = {"raised": e.error_code, "message": e.message[:200]}
    except Exception as e:  # noqa: BLE001 - any failure is a finding
        out[name] = {"raised": type(e).__name__, "message": str(e)[:200]}


exp_name = f"client-check-{suffix}"
step("set_experiment", lambda: mlflow.set_experiment(exp_name).name == exp_name)
exp = client.get_experiment_by_name(exp_name)

with mlflow.start_run(run_name="train") as run:
    run_id = run.info.run_id
    step("artifact_uri_form", lambda: run.info.artifact_uri.startswith("mlflow-artifacts:/") or run.info.artifact_uri)
    step("log_param", lambda: mlflow.log_param("lr", 0.1))
    step("log_params", lambda: mlflow.log_params({"depth": 6, "algo": "gbdt"}))
    step("log_param_same_value", lambda: mlflow.log_param("lr", 0.1))
    step("log_param_changed", lambda: mlflow.log_param("lr", 0.2))
    for epoch in range(5):
        mlflow.log_metric("loss", 1.0 / (epoch + 1), step=epoch)
    step("log_metrics", lambda: mlflow.log_metrics({"acc": 0.87, "auc": 0.92}))
    step("log_batch_1000", lambda: client.log_batch(run_id, metrics=[mlflow.entities.Metric("m", float(i), 0, i) for i in range(1000)]))
    step("log_batch_1001", lambda: client.log_batch(run_id, metrics=[mlflow.entities.Metric("m2", float(i), 0, i) for i in range(1001)]))
    step("set_tag", lambda: mlflow.set_tag("team", "risk"))
    step("log_text", lambda: mlflow.log_text("hello", "notes/hello.txt"))
    step("log_dict", lambda: mlflow.log_dict({"a": 1}, "config.json"))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "model.bin"), "wb") as f:
            f.write(bytes(range(256)) * 40)
        step("log_artifact", lambda: mlflow.log_artifact(os.path.join(d, "model.bin"), artifact_path="model"))
        with open(os.path.join(d, "MLmodel"), "w") as f:
            f.write("flavors: {}\n")
        step("log_artifact_mlmodel", lambda: mlflow.log_artifact(os.path.join(d, "MLmodel"), artifact_path="model"))

r = client.get_run(run_id)
step("run_status", lambda: r.info.status)
step("run_params", lambda: dict(sorted(r.data.params.items())))
step("run_metrics", lambda: dict(sorted((k, v) for k, v in r.data.metrics.items() if k in ("loss", "acc", "auc", "m"))))
step("run_tags_user", lambda: {k: v for k, v in r.data.tags.items() if k == "team"})
step("run_has_runname_tag", lambda: r.data.tags.get("mlflow.runName"))
step("metric_history", lambda: [(m.step, m.value) for m in client.get_metric_history(run_id, "loss")])
step("list_artifacts", lambda: sorted((a.path, a.is_dir) for a in client.list_artifacts(run_id)))
step("list_artifacts_model", lambda: sorted((a.path, a.file_size) for a in client.list_artifacts(run_id, "model")))
with tempfile.TemporaryDirectory() as d:
    def download():
        p = client.download_artifacts(run_id, "model/model.bin", d)
        with open(p, "rb") as f:
            return len(f.read())
    step("download_artifact", download)
    def download_dir():
        p = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="model", dst_path=d)
        return sorted(os.listdir(p))
    step("download_dir", download_dir)
step("load_text", lambda: mlflow.artifacts.load_text(f"runs:/{run_id}/notes/hello.txt"))
step("load_dict", lambda: mlflow.artifacts.load_dict(f"runs:/{run_id}/config.json"))

step("search_runs_filter", lambda: [x.info.run_name for x in client.search_runs([exp.experiment_id], "metrics.acc > 0.5 and params.algo = 'gbdt'", order_by=["metrics.acc DESC"])])
step("search_runs_or", lambda: client.search_runs([exp.experiment_id], "metrics.acc > 0.5 or metrics.acc < 0.1"))
step("search_runs_bad_key", lambda: client.search_runs([exp.experiment_id], "foo.bar = 1"))
for i in range(3):
    with mlflow.start_run(run_name=f"sweep-{i}"):
        mlflow.log_metric("acc", 0.5 + i / 10)
def paged():
    first = client.search_runs([exp.experiment_id], "", order_by=["metrics.acc ASC"], max_results=2)
    second = client.search_runs([exp.experiment_id], "", order_by=["metrics.acc ASC"], max_results=2, page_token=first.token)
    return [x.info.run_name for x in first] + ["|"] + [x.info.run_name for x in second]
step("search_runs_paged", paged)
step("get_run_missing", lambda: client.get_run("0" * 32))

model = f"clf-{suffix}"
step("create_registered_model", lambda: client.create_registered_model(model, tags={"owner": "risk"}, description="demo").name)
step("create_registered_model_again", lambda: client.create_registered_model(model))
step("register_model", lambda: mlflow.register_model(f"runs:/{run_id}/model", model).version)
step("create_model_version", lambda: client.create_model_version(model, f"runs:/{run_id}/model", run_id=run_id).version)
step("get_model_version", lambda: (lambda v: (v.version, v.status, v.current_stage, v.run_id == run_id))(client.get_model_version(model, "1")))
step("set_alias", lambda: client.set_registered_model_alias(model, "champion", "1"))
step("get_by_alias", lambda: client.get_model_version_by_alias(model, "champion").version)
step("alias_reserved", lambda: client.set_registered_model_alias(model, "latest", "1"))
step("transition_stage", lambda: client.transition_model_version_stage(model, "2", "Staging").current_stage)
step("latest_versions", lambda: sorted((v.version, v.current_stage) for v in client.get_latest_versions(model)))
step("search_model_versions", lambda: sorted(v.version for v in client.search_model_versions(f"name = '{model}'")))
step("search_registered_models", lambda: [m.name for m in client.search_registered_models(f"name = '{model}'")])
step("registered_model", lambda: (lambda m: (m.name, m.description, dict(m.tags), m.aliases))(client.get_registered_model(model)))
step("set_version_tag", lambda: client.set_model_version_tag(model, "1", "validated", "yes"))
step("download_uri", lambda: client.get_model_version_download_uri(model, "1").startswith("mlflow-artifacts:/") or client.get_model_version_download_uri(model, "1"))
with tempfile.TemporaryDirectory() as d:
    step("download_model_version", lambda: sorted(os.listdir(mlflow.artifacts.download_artifacts(f"models:/{model}/1", dst_path=d))))
step("update_model_version", lambda: client.update_model_version(model, "1", "first").description)
step("rename_model", lambda: client.rename_registered_model(model, model + "-x").name == model + "-x")
step("delete_alias", lambda: client.delete_registered_model_alias(model + "-x", "champion"))
step("delete_version", lambda: client.delete_model_version(model + "-x", "2"))
step("get_deleted_version", lambda: client.get_model_version(model + "-x", "2"))
step("delete_model", lambda: client.delete_registered_model(model + "-x"))

step("delete_run", lambda: client.delete_run(run_id))
step("deleted_run_stage", lambda: client.get_run(run_id).info.lifecycle_stage)
step("restore_run", lambda: client.restore_run(run_id))
step("search_experiments", lambda: exp_name in [e.name for e in client.search_experiments(filter_string=f"name = '{exp_name}'")])
step("delete_experiment", lambda: client.delete_experiment(exp.experiment_id))
step("deleted_experiment_stage", lambda: client.get_experiment(exp.experiment_id).lifecycle_stage)
step("restore_experiment", lambda: client.restore_experiment(exp.experiment_id))

print(json.dumps(out, indent=1, sort_keys=True, default=str))
