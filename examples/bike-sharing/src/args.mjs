// `--name value` command-line flags into an object; slipway.yaml passes params this way (`${train.seed}`).
export function flags(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    if (!name?.startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --name value pairs, got: ${argv.join(' ')}`);
    const v = argv[i + 1];
    out[name.slice(2)] = /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : v;
  }
  return out;
}
