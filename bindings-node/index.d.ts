// Types of `rxon`. The functions are the native module's, declared in `native.d.ts` (generated
// by the napi CLI from the Rust source, never edited by hand); this file adds the error
// classes and the constants, which the JavaScript layer (`index.js`) defines.

export {
  BlobLocation,
  Validation,
  calculateConfigHash,
  calculateDictHash,
  decode,
  isValidIdentifier,
  jsonDumps,
  loads,
  matches,
  parseUri,
  signBubblingChain,
  signBubblingChainHmac,
  signPayload,
  signPayloadEd25519,
  toDict,
  validateData,
  validateIdentifier,
  verifyBubblingChainHmac,
  verifyBubblingChainSignature,
  verifySignature,
  verifySignatureEd25519,
} from './native'

/** Base of every error the protocol raises; `details` holds what the core attached. */
export declare class RxonError extends Error {
  constructor(message: string, details?: Record<string, unknown>)
  readonly details: Record<string, unknown>
}
export declare class RxonNetworkError extends RxonError {}
export declare class RxonAuthError extends RxonError {}
/** An answer the protocol does not allow; `status` is the HTTP status when there was one. */
export declare class RxonProtocolError extends RxonError {
  readonly status: number | undefined
}
/** The orchestrator asked to wait: `retryAfter` seconds, `code` its reason. */
export declare class RxonRateLimitError extends RxonError {
  readonly retryAfter: number | undefined
  readonly code: string | undefined
}
export declare class ParamValidationError extends RxonError {}
export declare class IntegrityError extends RxonError {}
export declare class S3ConfigMismatchError extends RxonError {}

/** The names of every message `decode` knows (`TaskPayload`, `Heartbeat`, …). */
export declare const MESSAGE_NAMES: readonly string[]

/** Every constant of the protocol, by name. */
export declare const constants: Readonly<Record<string, string | readonly string[]>>

/** The protocol version this package speaks (the reference's). */
export declare const PROTOCOL_VERSION: string
/** Job states after which nothing changes. */
export declare const TERMINAL_STATES: readonly string[]
