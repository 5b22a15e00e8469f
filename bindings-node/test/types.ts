// Compiled by `tsc --strict --noEmit` (tsconfig.json): the published types as a user meets them.
import { jsonDumps, decode, RxonError, validateData, PROTOCOL_VERSION, constants } from 'rxon'
const text: string = jsonDumps({ a: 1 })
const v = validateData({ a: 1 }, { type: 'object' })
const ok: boolean = v.valid
try { decode('TaskPayload', {}) } catch (e) { if (e instanceof RxonError) { const d: Record<string, unknown> = e.details } }
const p: string = PROTOCOL_VERSION
console.log(text, ok, p, constants.ERROR_CODE_TRANSIENT)
