import type { ServerResponse } from 'node:http';
import type { SimContext } from '../context.ts';

/** The JSON text of the served model inside a JSON string (engine texts name it through a {model} placeholder). */
export const modelInJson = (ctx: SimContext): string => JSON.stringify(ctx.opts.model).slice(1, -1);

/** The body of GET /v1/models in the engine's shape: built once, it never changes while the server runs. */
export function modelsBody(ctx: SimContext): string {
  const { opts, persona } = ctx;
  return JSON.stringify({
    ...persona.models.listFields,
    object: 'list',
    data: [{ id: opts.model, object: 'model', created: ctx.created, owned_by: persona.models.ownedBy, ...persona.models.extra }],
  })
    .replaceAll('"{maxModelLen}"', String(opts.maxModelLen))
    .replaceAll('{model}', modelInJson(ctx));
}

/** GET /v1/models. */
export function sendModels(ctx: SimContext, res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': ctx.persona.jsonContentType }).end(body);
}
