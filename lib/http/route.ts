// Wraps an API route handler: request id, client address, and errors turned into JSON.
import { randomUUID } from "node:crypto";
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
      response = errorResponse(error, requestId);
    }
    response.headers.set("x-request-id", requestId);
    return response;
  };
}
