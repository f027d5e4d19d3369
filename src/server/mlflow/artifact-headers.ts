/**
 * Response headers for a downloaded artifact, as MLflow's server sends them: a content type guessed
 * from the name (text-like files and MLmodel/MLproject as text/plain), always as an attachment and
 * with `nosniff`, so a browser never renders an uploaded file as a page of this server's origin.
 */

const TEXT = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml', 'xml',
  'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'MLproject',
]);

const KNOWN: Readonly<Record<string, string>> = {
  html: 'text/html', htm: 'text/html', css: 'text/css', svg: 'image/svg+xml', png: 'image/png', jpg: 'image/jpeg',
  jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp', ico: 'image/vnd.microsoft.icon',
  tif: 'image/tiff', tiff: 'image/tiff', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  tar: 'application/x-tar', wav: 'audio/x-wav', mp3: 'audio/mpeg', mp4: 'video/mp4', parquet: 'application/octet-stream',
};

/** The content type MLflow would send for a file called `name`. */
export function artifactContentType(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const extension = dot <= 0 ? base : base.slice(dot + 1); // a leading dot (.env) is part of the name, as in Python's splitext
  if (TEXT.has(extension)) return 'text/plain';
  return KNOWN[extension.toLowerCase()] ?? 'application/octet-stream';
}

/** Headers for sending the file at `path` (its last segment names the download) of `size` bytes. */
export function artifactHeaders(path: string, size: number): Record<string, string> {
  const name = path.slice(path.lastIndexOf('/') + 1) || 'artifact';
  return {
    'content-type': artifactContentType(name),
    'content-length': String(size),
    'content-disposition': contentDisposition(name),
    'x-content-type-options': 'nosniff',
  };
}

/**
 * `attachment` with the name twice: a plain ASCII fallback, and RFC 6266's `filename*` for the exact
 * UTF-8 name. Header values must be Latin-1 without quotes or control characters, or Node refuses them.
 */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
