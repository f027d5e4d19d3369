import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../types.js';

/** Slipway's native REST API under `/api/v1/`, with its OpenAPI document at `/api/v1/openapi.json`. */
export function registerNativeApi(_app: FastifyInstance, _ctx: ServerContext): void {}
