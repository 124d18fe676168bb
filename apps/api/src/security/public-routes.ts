/**
 * The public read endpoints: released data, the registry, catalogues and the API description. They need no
 * key, may be read from any origin (CORS) and share the per-address rate limit for public reads.
 */
const PUBLIC_READ_PATHS = [
  /^\/api\/v1\/(metrics|benchmark|funnel|trends|typology|codebook|regions|municipalities|sites|measures|client-groups|releases)$/,
  /^\/api\/v1\/profile\/[^/]+$/,
  /^\/api\/v1\/sites\/[^/]+$/,
  /^\/api\/v1\/releases\/[^/]+(\/download|\/files\/[^/]+)?$/,
  /^\/api\/v1\/submissions\/template\.csv$/,
  /^\/api\/openapi\.json$/,
];

function isPublicReadPath(path: string): boolean {
  const p = path.length > 1 ? path.replace(/\/$/, '') : path;
  return PUBLIC_READ_PATHS.some((re) => re.test(p));
}

export function isPublicRead(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && isPublicReadPath(path);
}
