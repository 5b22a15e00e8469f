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

/** An error of `kind` (a class name above) with the core's message and details. */
function failure(kind, message, details) {
  const Class = errorClasses[kind] || Error
  return Class === TypeError || Class === RangeError ? new Class(message) : new Class(message, details)
}

// A rejected native Promise carries `\u0001rxon:<kind>\u0001<details JSON>\u0001<message>`.
const REJECTION = '\u0001rxon:'

/** The error to throw for what the native module threw or rejected with. */
function translate(thrown) {
  if (thrown instanceof Error && thrown.message.startsWith(REJECTION)) {
    const [kind, details, ...message] = thrown.message.slice(REJECTION.length).split('\u0001')
    return failure(kind, message.join('\u0001'), JSON.parse(details))
  }
  if (thrown === null || typeof thrown !== 'object' || typeof thrown.rxonKind !== 'string') {
    return thrown
  }
  return failure(thrown.rxonKind, thrown.message, thrown.details)
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

/** A native method that returns a Promise, with its failures raised as their classes. */
async function settled(target, name, args) {
  try {
    return await target[name](...args)
  } catch (thrown) {
    throw translate(thrown)
  }
}

/**
 * The worker's side of the protocol over one connection: the reference's methods, each a
 * Promise. Made by `createTransport`, `HttpTransport` or `MockTransport`.
 */
class Transport {
  #native
  constructor(native) {
    this.#native = native
  }
  /** The worker this transport speaks for. */
  get workerId() {
    return this.#native.workerId
  }
  connect() {
    return settled(this.#native, 'connect', [])
  }
  close() {
    return settled(this.#native, 'close', [])
  }
  register(registration) {
    return settled(this.#native, 'register', [registration])
  }
  /** A task (plain object), or `null` when none came within `timeout` seconds (default 30). */
  pollTask(timeout, availableSkills, hotSkills) {
    return settled(this.#native, 'pollTask', [timeout, availableSkills, hotSkills])
  }
  sendResult(result) {
    return settled(this.#native, 'sendResult', [result])
  }
  sendHeartbeat(heartbeat) {
    return settled(this.#native, 'sendHeartbeat', [heartbeat])
  }
  emitEvent(event) {
    return settled(this.#native, 'emitEvent', [event])
  }
  refreshToken() {
    return settled(this.#native, 'refreshToken', [])
  }
  async [Symbol.asyncDispose]() {
    await this.close()
  }
  /** @internal the native transport (for the worker runtime). */
  get _native() {
    return this.#native
  }
}

/** The HTTP transport: long polls, results, heartbeats and events to `url` (http(s) or ws(s)). */
class HttpTransport extends Transport {
  constructor(url, workerId, token, options) {
    if (/^mock:/i.test(String(url))) {
      throw new TypeError('HttpTransport needs an http(s):// or ws(s):// URL; use MockTransport for mock://')
    }
    super(raising((...args) => native.Transport.create(...args))(url, workerId, token, options))
  }
}

/** A transport that talks to nobody: push tasks, read what the worker sent. */
class MockTransport extends Transport {
  constructor(workerId = 'mock-worker', token = '') {
    super(native.Transport.mockTransport(workerId, token))
  }
  /** Queues a task for the next poll. */
  pushTask(task) {
    raising((t) => this._native.pushTask(t))(task)
  }
  registered() {
    return this._native.registered()
  }
  results() {
    return this._native.results()
  }
  heartbeats() {
    return this._native.heartbeats()
  }
  emittedEvents() {
    return this._native.emittedEvents()
  }
}

/** The transport for `url`: `http(s)://`, `ws(s)://` or `mock://`. */
function createTransport(url, workerId, token, options) {
  return /^mock:/i.test(String(url)) ? new MockTransport(workerId, token) : new HttpTransport(url, workerId, token, options)
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
  Transport,
  HttpTransport,
  MockTransport,
  createTransport,
  ...errorClasses,
  TypeError: undefined,
  RangeError: undefined,
}
delete module.exports.TypeError
delete module.exports.RangeError
