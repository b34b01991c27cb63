// Wraps an API route handler: request id, client address, and errors turned into JSON.
import { rateLimitHeaders, type RateLimitState } from "@/lib/errors";
import { log } from "@/lib/log";
import { clientAddressFrom } from "./client-address";
import { isClientAbort } from "./client-abort";
import { requestIdFrom } from "./request-id";
import { errorResponse } from "./respond";

/** What the wrapper knows of a request; a handler that counts it against a budget sets `rateLimit`. */
export type RequestMeta = { requestId: string; ip: string | null; rateLimit?: RateLimitState | null };

type Handler<P> = (request: Request, params: P, meta: RequestMeta) => Promise<Response>;

export function apiRoute<P>(handler: Handler<P>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFrom(request.headers.get("x-request-id"));
    const meta: RequestMeta = { requestId, ip: clientAddressFrom(request.headers) };
    let response: Response;
    try {
      response = await handler(request, await context.params, meta);
    } catch (error) {
      if (isClientAbort(error, request)) {
        // Nobody is left to read an answer: one short line, no stack, not a 500.
        log().info({ requestId, method: request.method, path: new URL(request.url).pathname }, "client closed the request");
        response = new Response(null, { status: 499 });
      } else {
        response = errorResponse(error, requestId);
      }
    }
    response.headers.set("x-request-id", requestId);
    // Every answer to a counted request says what is left of the budget, errors included.
    if (meta.rateLimit) for (const [name, value] of Object.entries(rateLimitHeaders(meta.rateLimit))) response.headers.set(name, value);
    return response;
  };
}
