import type { FastifyInstance } from 'fastify';

/** Routes that feature modules add to the gateway's HTTP server (upload, download, event source ...). */
export type RouteRegistrar = (app: FastifyInstance) => void | Promise<void>;

export class HttpRoutesRegistry {
  private readonly registrars: RouteRegistrar[] = [];
  add(registrar: RouteRegistrar): this {
    this.registrars.push(registrar);
    return this;
  }
  get all(): readonly RouteRegistrar[] {
    return this.registrars;
  }
}
