import { compile } from '@fastify/proxy-addr';

type TrustFn = (address: string | undefined, hop: number) => boolean;

/** TRUST_PROXY read as Fastify reads its trustProxy option. */
function configuredTrust(configured: string | number | boolean): TrustFn {
  if (configured === true) return () => true;
  if (configured === false) return () => false;
  if (typeof configured === 'number') return (_address, hop) => hop < configured;
  const compiled = compile(configured.split(',').map((v) => v.trim()));
  return (address, hop) => address !== undefined && compiled(address, hop);
}

/**
 * The main process's trustProxy when read processes forward requests to it over its unix socket. A connection
 * without an address is that socket: the read process has put the client's address (as TRUST_PROXY gave it
 * there) in X-Forwarded-For. Every other connection is judged by TRUST_PROXY alone.
 */
export function trustInternalHop(configured: string | number | boolean): TrustFn {
  const trust = configuredTrust(configured);
  return (address, hop) => (address === undefined ? hop === 0 : trust(address, hop));
}
