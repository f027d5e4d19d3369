import type { ResolvedManifestOptions } from './manifest-options.js';

/** The README of a package folder: how to build and push the image and apply either set of manifests. */
export function renderPackageReadme(o: ResolvedManifestOptions, files: readonly string[]): string {
  const uri = `models:/${o.modelName}/${o.version}`;
  return `# ${o.name}: ${uri}, packaged by Slipway

This folder holds what a cluster needs to serve ${uri}: a Dockerfile (Slipway and the model baked
into one image), plain Kubernetes manifests in \`k8s/\`, and a KServe InferenceService in \`kserve/\`.
Use one of the two manifest sets, not both.

## 1. Build and push the image

    docker build -t ${o.image} .
    docker push ${o.image}

The manifests name the image \`${o.image}\`. For a registry the cluster pulls from, package again with
\`--image registry.example.com/${o.name}:${o.version}\` (or edit the \`image:\` lines). On a local kind
cluster, \`kind load docker-image ${o.image}\` instead of pushing.

Try it locally first:

    docker run --rm -p ${o.port}:${o.port} ${o.image}
    curl -s localhost:${o.port}/v2/health/ready -o /dev/null -w '%{http_code}\\n'   # 200 once the model is loaded

## 2a. Plain Kubernetes

    kubectl apply -f k8s/
    kubectl rollout status deployment/${o.name}
    kubectl port-forward service/${o.name} 8080:80

${o.autoscale
    ? `\`k8s/hpa.yaml\` scales the Deployment between ${o.autoscale.min} and ${o.autoscale.max} pods at ${o.autoscale.targetCpuPercent}% CPU (the cluster needs metrics-server).`
    : `The Deployment runs ${o.replicas} pods; package with \`--autoscale MIN:MAX\` for a HorizontalPodAutoscaler.`}

## 2b. KServe

    kubectl apply -f kserve/
    kubectl get inferenceservice ${o.name}

The predictor is a custom container speaking the Open Inference Protocol (v2). KServe's default
Serverless mode needs Knative; without it, add the annotation
\`serving.kserve.io/deploymentMode: RawDeployment\` to the InferenceService.

## Calling it

    curl -s http://HOST/v2/models/${encodeURIComponent(o.modelName)}/infer -H 'content-type: application/json' \\
      -d '{"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [1.5]}]}'

MLflow-style scoring answers at \`/invocations\`.

## Files

${files.map((f) => `- \`${f}\``).join('\n')}
`;
}
