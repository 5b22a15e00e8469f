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

/** The classes of the core's errors, exported. */
const rxonErrors = {
  RxonError,
  RxonNetworkError,
  RxonAuthError,
  RxonProtocolError,
  RxonRateLimitError,
  ParamValidationError,
  IntegrityError,
  S3ConfigMismatchError,
}

/** Every class a native failure can become, by the kind it names. */
const errorClasses = { ...rxonErrors, TypeError, RangeError }

/** An error of `kind` (a class name above) with the core's message and details. */
function failure(kind, message, details) {
  const Class = errorClasses[kind] || Error
  return Class === TypeError || Class === RangeError ? new Class(message) : new Class(message, details)
}

// A native failure (thrown or rejecting a Promise) is an Error whose message is
// `\u0001rxon:<kind>\u0001<details JSON>\u0001<message>`.
const FAILURE = '\u0001rxon:'

/** The error to throw for what the native module threw or rejected with. */
function translate(thrown) {
  if (!(thrown instanceof Error) || !thrown.message.startsWith(FAILURE)) {
    return thrown
  }
  const [kind, details, ...message] = thrown.message.slice(FAILURE.length).split('\u0001')
  return failure(kind, message.join('\u0001'), JSON.parse(details))
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

const OBJECT = Object.prototype
const ARRAY = Array.prototype
/** Nesting beyond which a value is left to the core (which refuses what is too deep). */
const PLAIN_DEPTH = 64

/** Whether `value` is plain data whose `JSON.stringify` text the core reads back as exactly the
 * tree it would read from the value itself: plain objects and arrays (no holes), strings,
 * booleans, `null`, safe integers and finite fractions (not -0). Anything else — `undefined`,
 * BigInts, class instances, functions — is left to the core, which reads or refuses it. */
function isPlain(value, depth) {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isSafeInteger(value) ? !Object.is(value, -0) : Number.isFinite(value) && !Number.isInteger(value)
    case 'object': {
      if (value === null) return true
      if (depth >= PLAIN_DEPTH) return false
      const proto = Object.getPrototypeOf(value)
      if (proto === ARRAY) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlain(value[i], depth + 1)) return false
        return true
      }
      if (proto !== OBJECT && proto !== null) return false
      for (const key in value) if (!isPlain(value[key], depth + 1)) return false
      return true
    }
    default:
      return false
  }
}

/** `value` as JSON text when it is plain data (see `isPlain`), for the core to parse — far
 * faster than reading it across N-API one property at a time; otherwise `undefined`. */
function plainText(value) {
  return isPlain(value, 0) ? JSON.stringify(value) : undefined
}

const protocol = {}
// These take a payload first; it crosses as text when it is plain data.
for (const name of ['jsonDumps', 'calculateDictHash', 'signPayload', 'verifySignature', 'signPayloadEd25519', 'verifySignatureEd25519']) {
  const call = native[name]
  protocol[name] = raising({ [name]: (payload, ...rest) => call(payload, plainText(payload), ...rest) }[name])
}
for (const name of [
  'toDict',
  'loads',
  'decode',
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
  'messageMembers',
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
  /** A task (plain object), or `null` when none came within `timeout` seconds (default 30).
   * An aborted `signal` ends the poll at once, closing its request, and rejects with its reason. */
  async pollTask(timeout, availableSkills, hotSkills, { signal } = {}) {
    if (!signal) return settled(this.#native, 'pollTask', [timeout, availableSkills, hotSkills])
    signal.throwIfAborted()
    const abort = new native.Abort()
    const fire = () => abort.fire()
    signal.addEventListener('abort', fire, { once: true })
    try {
      return await settled(this.#native, 'pollTask', [timeout, availableSkills, hotSkills, abort])
    } catch (error) {
      throw signal.aborted ? signal.reason : error
    } finally {
      signal.removeEventListener('abort', fire)
    }
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
  /** The orchestrator's commands as an async iterator (`for await (const command of …)`);
   * with `reconnect` (default true) a dropped WebSocket is reopened with backoff. Ends when
   * the transport closes. */
  listenForCommands({ reconnect = true } = {}) {
    // Subscribed now, not at the first `next()`: nothing sent after this call is missed.
    const stream = raising(() => this.#native.commands(reconnect))()
    return (async function* commands() {
      for (;;) {
        const command = await settled(stream, 'next', [])
        if (command === null) return
        yield command
      }
    })()
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
  /** Sends a command down the command stream (to a worker running on this transport). */
  pushCommand(command) {
    raising((c) => this._native.pushCommand(c))(command)
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

/** The error code a handler's thrown error reports (first match wins): an `RxonError`'s
 * `details.code` or an error's own `code` when it is a protocol error code;
 * `ParamValidationError` → `INVALID_INPUT_ERROR`; `IntegrityError` →
 * `INTEGRITY_MISMATCH_ERROR`; anything else `TRANSIENT_ERROR` (the orchestrator may retry it). */
function failureCode(error) {
  const own = error && (error.details?.code ?? error.code)
  if (typeof own === 'string' && ERROR_CODES.has(own)) return own
  if (error instanceof ParamValidationError) return constants.ERROR_CODE_INVALID_INPUT
  if (error instanceof IntegrityError) return constants.ERROR_CODE_INTEGRITY_MISMATCH
  return constants.ERROR_CODE_TRANSIENT
}

/** One task handed to a worker: its params, an `AbortSignal` that fires when it is cancelled
 * (a cancel command, a heartbeat answer, its deadline), and how it ends. */
class Task {
  #native
  #controller = new AbortController()
  constructor(native) {
    this.#native = native
    native.whenCancelled().then((cancelled) => {
      if (cancelled) this.#controller.abort(new RxonError('the task was cancelled'))
    })
  }
  get id() {
    return this.#native.id
  }
  get jobId() {
    return this.#native.jobId
  }
  get type() {
    return this.#native.type
  }
  get params() {
    return this.#native.params
  }
  get payload() {
    return this.#native.payload
  }
  /** Seconds until the deadline (`null` without one). */
  get timeLeft() {
    return this.#native.timeLeft
  }
  get signal() {
    return this.#controller.signal
  }
  /** Reports the result: an object is its data (`null` is `{}`); the avtomatika SDK's
   * `{ status, data, error }` shape reports that outcome. */
  complete(data = null) {
    raising(() => this.#native.complete(data, plainText(data)))()
  }
  completeWithStatus(status, data) {
    raising(() => this.#native.completeWithStatus(status, data))()
  }
  fail(code, message, details) {
    raising(() => this.#native.fail(code, message, details))()
  }
  progress(fraction, message) {
    return settled(this.#native, 'progress', [fraction, message])
  }
  emit(eventType, payload) {
    return settled(this.#native, 'emit', [eventType, payload])
  }
  /** @internal */
  get _native() {
    return this.#native
  }
}

/** Runs `handler(task)` and reports how it ended; nothing it does loses the task. */
async function runTask(task, handler) {
  let returned
  try {
    returned = await handler(task)
  } catch (error) {
    if (task.signal.aborted) {
      raising(() => task._native.reportCancelled())()
    } else {
      task.fail(failureCode(error), (error && error.message) || String(error))
    }
    return
  }
  try {
    task.complete(returned === undefined ? null : returned)
  } catch (error) {
    raising(() => task._native.failUnusableResult(`the handler returned what cannot be a result: ${error.message}`))()
  }
}

/** Most tasks `run()` takes from the runtime in one batch. */
const TASK_BATCH = 64

/**
 * A worker: `await worker.start()`, then `for await (const task of worker)` or
 * `await worker.run(handler)`; `await worker.close()` (or `drain()`) when done.
 * Options: `{ url, workerId, token, skills: [{ name, input_schema, … } | name],
 * concurrency, concurrentPolls, taskSecret, heartbeatInterval, pollTimeout, shutdownGrace, workerType,
 * signing: 'masterToken' | 'off' | Ed25519 PEM, outbox: folder | false, transport }`.
 */
class Worker {
  #options
  #native = null
  #handlers = new Map()
  /** Resolves once `close()` has stopped the worker: every task in hand is reported by then. */
  #closed
  #markClosed
  constructor(options) {
    this.#options = { ...options }
    this.#closed = new Promise((resolve) => (this.#markClosed = resolve))
  }
  /** Connects and registers (resolves once started). */
  async start() {
    if (this.#native) return this
    const { transport, ...options } = this.#options
    this.#native = raising(() =>
      transport ? native.Worker.withTransport(options, transport._native) : native.Worker.start(options),
    )()
    return this
  }
  /** `connecting`, `running`, `draining` or `stopped` (`stopped` before `start()`). */
  get state() {
    return this.#native ? this.#native.state : 'stopped'
  }
  /** The next task, or `null` once the worker hands out no more. */
  async nextTask() {
    await this.start()
    const task = await settled(this.#native, 'nextTask', [])
    return task ? new Task(task) : null
  }
  [Symbol.asyncIterator]() {
    return {
      next: async () => {
        const task = await this.nextTask()
        return task ? { value: task, done: false } : { value: undefined, done: true }
      },
    }
  }
  /** Registers `handler` for the skill `name`; `options` (before `start()`) declare the skill
   * as the `skills` option does (`{ input_schema, output_schema, … }`, wire names). A skill
   * not in `skills` is declared by this, so it must come before `start()`. */
  skill(name, options, handler) {
    if (typeof options === 'function' && handler === undefined) [options, handler] = [undefined, options]
    if (typeof handler !== 'function') throw new TypeError(`the handler of skill ${name} must be a function`)
    const skills = this.#options.skills || []
    const declared = skills.some((skill) => (typeof skill === 'string' ? skill : skill && skill.name) === name)
    if (options !== undefined || !declared) {
      if (this.#native) {
        throw new RxonError(`skill ${name} must be declared before start(): skills are registered when the worker starts`)
      }
      const others = skills.filter((skill) => (typeof skill === 'string' ? skill : skill && skill.name) !== name)
      this.#options.skills = [...others, options === undefined ? name : { ...options, name }]
    }
    this.#handlers.set(name, handler)
    return this
  }
  /** Runs every task through `handler` (or the one registered for its skill) until the
   * worker stops; resolves once the last handler has finished. */
  async run(handler) {
    const running = new Set()
    await this.start()
    // Every task already in hand comes in one batch (one hop from the runtime's threads).
    for (let batch; (batch = await settled(this.#native, 'nextTasks', [TASK_BATCH])).length > 0; ) {
      for (const native of batch) {
        const task = new Task(native)
        const chosen = this.#handlers.get(task.type) || handler
        const done = chosen
          ? runTask(task, chosen)
          : Promise.resolve(raising(() => task._native.fail(constants.ERROR_CODE_PERMANENT, `no handler for skill ${task.type}`))())
        running.add(done)
        done.finally(() => running.delete(done))
      }
    }
    // After close() the core has reported every task (cancelling what outlived the grace):
    // a handler that never settles does not hold this up.
    await Promise.race([Promise.all(running), this.#closed])
  }
  /** Takes no new tasks; resolves when the tasks in hand have finished. */
  async drain() {
    if (this.#native) await settled(this.#native, 'drain', [])
  }
  /** Stops: tasks in hand get `grace` seconds (default the worker's `shutdownGrace`). */
  async close(grace) {
    if (this.#native) await settled(this.#native, 'close', [grace])
    this.#markClosed()
  }
  async [Symbol.asyncDispose]() {
    await this.close()
  }
}

// ---- logs -------------------------------------------------------------------------------

const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace']
/** Where records go: a function `(level, target, message)`; stderr by default. */
let logSink = (level, target, message) => process.stderr.write(`rxon ${level} ${target}: ${message}\n`)
let logLevel = 2

/**
 * Where rxon's log records go (process-wide): `logger` is a `console`-like object (its
 * `error`/`warn`/`info`/`debug`/`trace` methods are called with one line each), a function
 * `(record) => void` given `{ level, target, message }`, or `null` for none. Records less
 * severe than `level` (default `'info'`) are dropped in Rust before they reach JavaScript.
 * Until this is called, warnings and errors go to stderr.
 */
function setLogger(logger, { level = 'info' } = {}) {
  if (!LOG_LEVELS.includes(level)) {
    throw new TypeError(`log level must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(level)}`)
  }
  let sink
  if (logger === null || logger === undefined) {
    level = 'off'
    sink = () => {}
  } else if (typeof logger === 'function') {
    sink = (level, target, message) => logger({ level, target, message })
  } else if (typeof logger === 'object') {
    sink = (level, target, message) => {
      const method = logger[level] || logger.log
      if (typeof method === 'function') method.call(logger, `${target}: ${message}`)
    }
  } else {
    throw new TypeError('a logger is a console-like object, a function or null')
  }
  // A logger that throws must not take the process down from a log record.
  logSink = (...record) => {
    try {
      sink(...record)
    } catch {}
  }
  logLevel = LOG_LEVELS.indexOf(level)
  raising(native.setLogSink)(level, logSink)
}

/** Logs a record from this layer through the same logger, at the same level. */
function log(level, target, message) {
  if (LOG_LEVELS.indexOf(level) <= logLevel) logSink(level, target, message)
}

// ---- listener -----------------------------------------------------------------------------

/** Requests taken from the listener in one crossing, at most. */
const REQUEST_BATCH = 64

/**
 * The HTTP answer to what a listener's handler threw: 403 for an `RxonAuthError`, 429 (with
 * `Retry-After`) for an `RxonRateLimitError`, 400 for a `ParamValidationError`, an error's own
 * `status` or `statusCode` from 400 to 599 (the `http-errors` convention); anything else 500.
 */
function refusalOf(error) {
  const message = (error && error.message) || String(error)
  if (error instanceof RxonRateLimitError) {
    return { status: 429, message, code: error.code, retryAfter: error.retryAfter }
  }
  if (error instanceof RxonAuthError) return { status: 403, message }
  if (error instanceof ParamValidationError) return { status: 400, message }
  const own = error && (error.status ?? error.statusCode)
  if (Number.isInteger(own) && own >= 400 && own <= 599) {
    return { status: own, message, code: error.code, retryAfter: error.retryAfter }
  }
  return { status: 500, message }
}

/** What a handler knows of a request besides its payload; `signal` fires if the worker hangs up
 * before the answer (an abandoned long poll: a task answered after it is not delivered). */
class RequestContext {
  #request
  #controller = null
  constructor(request, facts) {
    Object.assign(this, facts)
    this.#request = request
  }
  get signal() {
    if (!this.#controller) {
      const controller = (this.#controller = new AbortController())
      const { listener, id, answered } = this.#request
      if (!answered) {
        listener.whenAbandoned(id).then((abandoned) => {
          if (abandoned) controller.abort(new RxonNetworkError('the worker hung up before the answer'))
        })
      }
    }
    return this.#controller.signal
  }
}

/** One request in the hands of the handler: where and how to answer it. */
class PendingRequest {
  constructor(listener, id, action) {
    this.listener = listener
    this.id = id
    this.action = action
    this.answered = false
  }
  /** Sends the handler's answer (`undefined`/`null`: the action's default). */
  respond(answer) {
    this.answered = true
    try {
      if (answer === null || answer === undefined) this.listener.respond(this.id)
      else this.listener.respond(this.id, answer, plainText(answer))
    } catch (thrown) {
      const error = translate(thrown)
      log('error', 'rxon::listener', `the handler's answer to ${this.action} cannot be sent: ${error.message}`)
      this.listener.refuse(this.id, 500, `the handler's answer cannot be sent: ${error.message}`)
    }
  }
  /** Refuses with the status for what the handler threw; an unexpected error is logged. */
  refuse(error) {
    this.answered = true
    const { status, message, code, retryAfter } = refusalOf(error)
    if (status >= 500) {
      const stack = (error && error.stack) || message
      log('error', 'rxon::listener', `the handler for ${this.action} threw: ${stack}`)
    }
    this.listener.refuse(this.id, status, message, typeof code === 'string' ? code : null, Number.isFinite(retryAfter) ? retryAfter : null)
  }
}

/** Runs the handler on one request; whatever it does, the request is answered. */
function answer(request, handler, payload, facts) {
  let returned
  try {
    returned = handler(request.action, payload, new RequestContext(request, facts))
  } catch (error) {
    request.refuse(error)
    return
  }
  if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
    returned.then(
      (value) => request.respond(value),
      (error) => request.refuse(error),
    )
  } else {
    request.respond(returned)
  }
}

/**
 * An orchestrator endpoint: workers register, poll, send results, heartbeats and events, and
 * open command WebSockets; each request becomes `await handler(action, payload, context)`.
 * Options: `{ host = '127.0.0.1', port = 0, handler, tls: { certFile, keyFile, clientCa,
 * clientAuth }, bodyLimit }`. Like a `net.Server`, a listening Listener keeps the process
 * alive until `close()`.
 */
class Listener {
  #options
  #handler
  #native = null
  #serving = null
  constructor({ handler, ...options } = {}) {
    this.#handler = handler
    this.#options = options
  }
  /** Binds and starts serving (`handler` replaces the one given to the constructor). */
  async listen(handler) {
    if (handler !== undefined) this.#handler = handler
    if (typeof this.#handler !== 'function') {
      throw new TypeError('a Listener needs a handler: new Listener({ handler }) or listen(handler)')
    }
    if (this.#native) throw new RxonError('the Listener is already listening')
    this.#native = await settled(native.Listener, 'bind', [this.#options])
    this.#serving = this.#serve(this.#native)
    return this
  }
  /** The bound port (`null` before `listen()`). */
  get port() {
    return this.#native ? this.#native.port : null
  }
  /** `http(s)://host:port/`, what workers connect to (`null` before `listen()`). */
  get url() {
    if (!this.#native) return null
    const host = this.#options.host || '127.0.0.1'
    const name = host.includes(':') ? `[${host}]` : host
    return `${this.#options.tls ? 'https' : 'http'}://${name}:${this.#native.port}`
  }
  /** Sends `command` (a `WorkerCommand`) down the worker's WebSocket: whether it had one open. */
  async sendCommand(workerId, command) {
    return settled(this.#listening(), 'sendCommand', [workerId, command])
  }
  /** The workers whose command WebSocket is open. */
  connectedWorkers() {
    return raising(() => this.#listening().connectedWorkers())()
  }
  /** Stops accepting, answers long polls 204, closes WebSockets and gives requests in flight
   * `grace` seconds (default 5); resolves once every request is answered. */
  async close(grace = 5) {
    const listener = this.#native
    if (!listener) return
    await settled(listener, 'close', [grace])
    await this.#serving
    if (this.#native === listener) this.#native = null
  }
  async [Symbol.asyncDispose]() {
    await this.close()
  }
  #listening() {
    if (!this.#native) throw new RxonError('the Listener is not listening: call listen() first')
    return this.#native
  }
  async #serve(listener) {
    for (;;) {
      let batch
      try {
        batch = await listener.nextRequests(REQUEST_BATCH)
      } catch (thrown) {
        log('error', 'rxon::listener', `taking requests failed: ${translate(thrown).message}`)
        return
      }
      if (batch === null) return
      // `[[id, action, payload, context, big?], …]`; a payload with integers beyond 2^53
      // comes separately, with BigInts.
      for (const [id, action, payload, facts, big] of JSON.parse(batch)) {
        const request = new PendingRequest(listener, id, action)
        answer(request, this.#handler, big ? listener.takePayload(id) : payload, facts)
      }
    }
  }
}

/** Every constant of the protocol (`PROTOCOL_VERSION`, error codes, endpoints, …). */
const constants = Object.freeze(native.constants())

/** Every protocol error code (`TRANSIENT_ERROR`, …). */
const ERROR_CODES = new Set(
  Object.entries(constants)
    .filter(([name]) => name.startsWith('ERROR_CODE_'))
    .map(([, code]) => code),
)

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
  Worker,
  Task,
  failureCode,
  Listener,
  refusalOf,
  setLogger,
  ...rxonErrors,
}
