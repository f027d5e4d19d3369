/** Schemas shared by several native routes. Named ones (`.meta({ id })`) become components of the OpenAPI document. */
import { z } from 'zod';

export const ErrorBody = z.object({
  error_code: z.string().describe('Stable code, e.g. INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED.'),
  message: z.string().describe('What is wrong and where, in one sentence.'),
}).meta({ id: 'Error' });

export const KeyValue = z.object({ key: z.string(), value: z.string() }).meta({ id: 'KeyValue' });

/** A number as JSON carries it: NaN and infinities (which JSON lacks) as strings, as MLflow writes them. */
export const JsonNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).meta({ id: 'JsonNumber' });

export const EpochMs = z.number().int().describe('Epoch milliseconds.');

/** Any JSON value (snapshots and reports whose shape belongs to the service that wrote them). */
export const AnyJson = z.unknown();

export const NameParam = z.string().min(1).max(256);

/** A version number in a path: digits. */
export const VersionParam = z.string().regex(/^[1-9]\d{0,17}$/, 'expected a version number (1, 2, …)');

export const PositiveIdParam = z.string().regex(/^[1-9]\d{0,15}$/, 'expected a positive integer id').transform(Number);

/** An epoch-ms time in a query string. */
export const TimeQuery = z.coerce.number<string>({ error: 'expected epoch milliseconds' }).int({ error: 'expected epoch milliseconds' }).min(0);
