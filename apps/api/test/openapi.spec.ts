/**
 * The OpenAPI document is complete: every operation has a summary, every parameter a description, every JSON body
 * a schema with an example, every success answer an example, and every operation the errors it can give, each with
 * the shared error schema and an example.
 */
import { startTestApp, TestApp } from './test-app';

type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })));

  beforeAll(async () => {
    t = await startTestApp('pglite');
    doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as Doc;
  });
  afterAll(async () => {
    await t.close();
  });

  const resolve = (schema: any): any => (schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);
  // An example anywhere in the schema: on it, its items or properties, or what it refers to.
  const hasExample = (schema: any, depth = 0): boolean => {
    const s = resolve(schema);
    if (!s || depth > 5) return false;
    if (s.example !== undefined || s.examples !== undefined) return true;
    if (s.items && hasExample(s.items, depth + 1)) return true;
    if (s.properties && Object.values(s.properties).some((p) => hasExample(p, depth + 1))) return true;
    return [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])].some((x: any) => hasExample(x, depth + 1));
  };
  const contentHasExample = (content: Record<string, any>) =>
    Object.values(content).some((c) => c.example !== undefined || c.examples !== undefined || hasExample(c.schema));

  it('lists every endpoint of the API with a summary', () => {
    expect(operations().length).toBeGreaterThanOrEqual(37);
    expect(operations().filter((o) => !o.op.summary).map((o) => o.name)).toEqual([]);
  });

  it('describes every parameter', () => {
    const missing = operations().flatMap((o) => (o.op.parameters ?? []).filter((p: any) => !p.description).map((p: any) => `${o.name} ${p.in} ${p.name}`));
    expect(missing).toEqual([]);
  });

  it('gives every request body a schema with an example', () => {
    const bodies = operations().filter((o) => o.op.requestBody);
    expect(bodies.map((o) => o.name)).toEqual(expect.arrayContaining(['POST /api/v1/releases', 'POST /api/v1/admin/keys', 'PUT /api/v1/admin/sites/{code}']));
    const json = bodies.filter((o) => o.op.requestBody.content?.['application/json']);
    expect(json.filter((o) => !hasExample(o.op.requestBody.content['application/json'].schema)).map((o) => o.name)).toEqual([]);
    // the publish body is the zod schema that validates it: strict, title at most 200 characters
    const publish = doc.paths['/api/v1/releases'].post.requestBody.content['application/json'].schema;
    expect(publish).toMatchObject({ type: 'object', properties: { title: { type: 'string', maxLength: 200 } }, additionalProperties: false });
  });

  it('shows an example of every success answer that has a body', () => {
    const missing = operations().flatMap((o) => Object.entries(o.op.responses)
      .filter(([status]) => /^2/.test(status) && status !== '204')
      .filter(([, r]: [string, any]) => !r.content || !contentHasExample(r.content))
      .map(([status]) => `${o.name} ${status}`));
    expect(missing).toEqual([]);
  });

  it('lists the errors of every operation, each with the error schema and an example', () => {
    for (const o of operations()) {
      const statuses = Object.keys(o.op.responses);
      expect({ op: o.name, has: statuses }).toEqual({ op: o.name, has: expect.arrayContaining(['500', '503']) });
      if (o.op.security?.length) expect({ op: o.name, has: statuses }).toEqual({ op: o.name, has: expect.arrayContaining(['401', '403']) });
      if ((o.op.parameters ?? []).some((p: any) => p.in === 'path')) expect({ op: o.name, has: statuses }).toEqual({ op: o.name, has: expect.arrayContaining(['404']) });
      for (const [status, r] of Object.entries(o.op.responses) as [string, any][]) {
        if (Number(status) < 400 || (o.name === 'GET /api/health' && status === '503')) continue;
        const json = r.content?.['application/json'];
        expect({ op: o.name, status, ref: json?.schema?.$ref }).toEqual({ op: o.name, status, ref: '#/components/schemas/ApiErrorDto' });
        expect({ op: o.name, status, example: json.example?.statusCode }).toEqual({ op: o.name, status, example: Number(status) });
      }
    }
    // health's 503 is its report with the store that is down, not an error body
    const degraded = doc.paths['/api/health'].get.responses['503'].content['application/json'];
    expect(degraded.example).toBeUndefined();
    expect(degraded.schema.example).toMatchObject({ status: 'degraded', postgres: { status: 'down' } });
    expect(Object.keys(doc.paths['/api/v1/metrics'].get.responses)).toEqual(expect.arrayContaining(['429']));
    expect(doc.paths['/api/v1/admin/keys'].get.responses['429']).toBeUndefined();
  });

  it('documents the error body the API really sends', async () => {
    // no release is published in this app: a 404 that names the parameter and lists the allowed values
    const res = await fetch(`${t.url}/api/v1/metrics?metric=outflow_to_work`);
    const body = (await res.json()) as Record<string, unknown>;
    const documented = Object.keys(doc.components.schemas.ApiErrorDto.properties);
    expect(res.status).toBe(404);
    expect(body).toMatchObject({ statusCode: 404, parameter: 'release' });
    for (const key of Object.keys(body)) expect(documented).toContain(key);
  });
});
