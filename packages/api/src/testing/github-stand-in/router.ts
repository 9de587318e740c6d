import type { IncomingMessage, ServerResponse } from "node:http";
import type { StandInState } from "./state.js";

// A route table for the stand-in: each area of GitHub's (or Google's) HTTP
// surface is a module exporting its routes; server.ts tries them in order.

export interface StandInRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  /** The raw body (empty for GET). */
  body: Buffer;
  /** Named groups of the route's pattern. */
  params: Record<string, string>;
  state: StandInState;
  /** The stand-in's own roots: web (GITHUB_URL) and API (GITHUB_API_URL). */
  webUrl: string;
  apiUrl: string;
  /** For routes that stream (git's smart HTTP): the raw request and response. */
  raw: { req: IncomingMessage; res: ServerResponse };
}

export type StandInResponse =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; text: string; headers?: Record<string, string> }
  | { status: number; redirect: string }
  /** The route wrote the response itself. */
  | { handled: true };

export interface StandInRoute {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE" | "*";
  /** Matched against the path (without the query); named groups become params. */
  path: RegExp;
  handle(request: StandInRequest): StandInResponse | Promise<StandInResponse>;
}

/** GitHub's error shape. */
export const githubError = (status: number, message: string): StandInResponse => ({
  status,
  json: { message, documentation_url: "https://docs.github.com/rest" },
});
