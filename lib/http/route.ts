// Wraps an API route handler: request id, client address, and errors turned into JSON.
import { randomUUID } from "node:crypto";
import { isClientAbort } from "./client-abort";
import { errorResponse } from "./respond";

export type RequestMeta = { requestId: string; ip: string | null };

type Handler<P> = (request: Request, params: P, meta: RequestMeta) => Promise<Response>;

export function apiRoute<P>(handler: Handler<P>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    const meta = { requestId, ip: forwarded || request.headers.get("x-real-ip") || null };
    let response: Response;
    try {
      response = await handler(request, await context.params, meta);
    } catch (error) {
      if (isClientAbort(error, request)) {
        // Nobody is left to read an answer: one short line, no stack, not a 500.
        console.info(`[${requestId}] client closed the request: ${request.method} ${new URL(request.url).pathname}`);
        response = new Response(null, { status: 499 });
      } else {
        response = errorResponse(error, requestId);
      }
    }
    response.headers.set("x-request-id", requestId);
    return response;
  };
}
