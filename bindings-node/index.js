'use strict'
// The public API of `rxon`: the native module's functions, with the core's failures raised as
// the classes below. No protocol logic here: every function is the Rust core's.

const native = require('./native.js')

/** Base of every error the protocol raises; `details` holds what the core attached. */
class RxonError extends Error {
  constructor(message, details = {}) {
    super(message)
    this.name = new.target.name
    this.details = details
  }
}
class RxonNetworkError extends RxonError {}
class RxonAuthError extends RxonError {}
/** An answer the protocol does not allow; `status` is the HTTP status when there was one. */
class RxonProtocolError extends RxonError {
  get status() {
    return this.details.status
  }
}
/** The orchestrator asked to wait: `retryAfter` seconds, `code` its reason. */
class RxonRateLimitError extends RxonError {
  get retryAfter() {
    return this.details.retry_after
  }
  get code() {
    return this.details.code
  }
}
class ParamValidationError extends RxonError {}
class IntegrityError extends RxonError {}
class S3ConfigMismatchError extends RxonError {}

const errorClasses = {
  RxonError,
  RxonNetworkError,
  RxonAuthError,
  RxonProtocolError,
  RxonRateLimitError,
  ParamValidationError,
  IntegrityError,
  S3ConfigMismatchError,
  TypeError,
  RangeError,
}

/** The error to throw for what the native module threw. */
function translate(thrown) {
  if (thrown === null || typeof thrown !== 'object' || typeof thrown.rxonKind !== 'string') {
    return thrown
  }
  const Class = errorClasses[thrown.rxonKind] || Error
  const error = Class === TypeError || Class === RangeError ? new Class(thrown.message) : new Class(thrown.message, thrown.details)
  return error
}

/** `fn` with the native failures it throws raised as their classes. */
function raising(fn) {
  const wrapped = function (...args) {
    try {
      return fn(...args)
    } catch (thrown) {
      throw translate(thrown)
    }
  }
  Object.defineProperty(wrapped, 'name', { value: fn.name })
  return wrapped
}

const protocol = {}
for (const name of [
  'jsonDumps',
  'toDict',
  'loads',
  'calculateDictHash',
  'decode',
  'signPayload',
  'verifySignature',
  'signPayloadEd25519',
  'verifySignatureEd25519',
  'signBubblingChain',
  'verifyBubblingChainSignature',
  'signBubblingChainHmac',
  'verifyBubblingChainHmac',
  'isValidIdentifier',
  'validateIdentifier',
  'calculateConfigHash',
  'parseUri',
  'validateData',
  'matches',
]) {
  protocol[name] = raising(native[name])
}

/** Every constant of the protocol (`PROTOCOL_VERSION`, error codes, endpoints, …). */
const constants = Object.freeze(native.constants())

/** The names of every message `decode` knows. */
const MESSAGE_NAMES = Object.freeze(native.messageNames())

module.exports = {
  ...protocol,
  ...constants,
  constants,
  MESSAGE_NAMES,
  ...errorClasses,
  TypeError: undefined,
  RangeError: undefined,
}
delete module.exports.TypeError
delete module.exports.RangeError
