/**
 * Type-level proof that the real `Deno` namespace satisfies `platform/deno_api.ts`.
 * `deno check scripts/check_deno_api.ts` fails when the two drift apart. Running it does
 * nothing.
 *
 * @module
 */
import type { DenoApi } from "../platform/deno_api.ts";

/** The real namespace, assigned to the declared interface. */
export const denoMatchesApi: DenoApi = Deno;
