// Types of `rxon`. The functions are the native module's, declared in `native.d.ts` (generated
// by the napi CLI from the Rust source, never edited by hand); this file adds the error
// classes and the constants, which the JavaScript layer (`index.js`) defines.

export {
  BlobLocation,
  Validation,
  calculateConfigHash,
  isValidIdentifier,
  loads,
  matches,
  parseUri,
  signBubblingChain,
  signBubblingChainHmac,
  toDict,
  validateData,
  validateIdentifier,
  verifyBubblingChainHmac,
  verifyBubblingChainSignature,
  messageMembers,
} from './native'
export * from './messages'
import type { Messages, SkillInfo, TaskPayload } from './messages'

/** The canonical JSON text signatures and hashes are computed over (the reference's
 * `json_dumps`): keys sorted, null members left out, integral numbers as integers. */
export declare function jsonDumps(value: unknown): string
/** Hex SHA-256 of the canonical form. */
export declare function calculateDictHash(value: unknown): string
/** Hex HMAC-SHA256 of the canonical payload without `security`, `_signature` and `ignoreFields`. */
export declare function signPayload(payload: unknown, secret: string, ignoreFields?: string[] | null): string
/** Whether `signature` is the payload's HMAC (compared in constant time). */
export declare function verifySignature(payload: unknown, signature: string, secret: string, ignoreFields?: string[] | null): boolean
/** Hex Ed25519 signature of the canonical payload (PKCS#8 PEM private key). */
export declare function signPayloadEd25519(payload: unknown, privateKeyPem: string, ignoreFields?: string[] | null): string
/** Whether `signatureHex` is the payload's Ed25519 signature; `false` for a bad key or signature, as in the reference. */
export declare function verifySignatureEd25519(payload: unknown, signatureHex: string, publicKeyPem: string, ignoreFields?: string[] | null): boolean

/** `wire` decoded as the message `model` and re-encoded as the reference does: exactly the
 * members the reference keeps. Throws an `RxonError` with the reference's message when it
 * does not decode. */
export declare function decode<N extends keyof Messages>(model: N, wire: unknown): Messages[N]
export declare function decode(model: string, wire: unknown): Record<string, any>

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

/** How the HTTP transport behaves; every member optional (the core's defaults). */
export interface TransportOptions {
  /** Tries of `sendResult` on network errors (default 3). */
  resultRetries?: number
  /** First wait between those tries in seconds, doubled each time (default 0.1). */
  resultRetryDelay?: number
  /** Timeout of every request but the long poll, in seconds (default 30). */
  requestTimeout?: number
  /** Timeout of opening a connection, in seconds (default 10). */
  connectTimeout?: number
  /** Sign every message: `'masterToken'` (what avtomatika demands), an Ed25519 PEM key, or `'off'` (default). */
  signing?: string
  tls?: ClientTls
}

/** How a worker verifies its orchestrator and proves itself; the system's roots are always trusted. */
export interface ClientTls {
  /** Also trust the certificates of this PEM file (a private CA). */
  caFile?: string
  /** Present this certificate chain (PEM) for mutual TLS; needs `keyFile`. */
  certFile?: string
  keyFile?: string
}

/** A message as plain data, members named as the protocol spells them. */
export type Wire = Record<string, any>

/** The worker's side of the protocol over one connection: each method a Promise. */
export declare class Transport implements AsyncDisposable {
  protected constructor(native: unknown)
  /** The worker this transport speaks for. */
  readonly workerId: string
  connect(): Promise<void>
  /** Closes the connection; later calls reject until `connect()`. */
  close(): Promise<void>
  /** Registers the worker; the orchestrator's answer. */
  register(registration: Wire): Promise<any>
  /** A task, or `null` when none came within `timeout` seconds (default 30). An aborted `signal`
   * ends the poll at once, closing its request, and rejects with its reason. */
  pollTask(timeout?: number, availableSkills?: string[] | null, hotSkills?: string[] | null, options?: { signal?: AbortSignal }): Promise<TaskPayload | null>
  /** `true` if the result was accepted, `false` if the orchestrator ignored it. */
  sendResult(result: Wire): Promise<boolean>
  /** The orchestrator's answer, `null` when it sent none. */
  sendHeartbeat(heartbeat: Wire): Promise<any>
  /** Whether the orchestrator took the event. */
  emitEvent(event: Wire): Promise<boolean>
  /** A new token response, or `null` when refused. */
  refreshToken(): Promise<Wire | null>
  /** The orchestrator's commands; ends when the transport closes. */
  listenForCommands(options?: { reconnect?: boolean }): AsyncGenerator<Wire, void, undefined>
  [Symbol.asyncDispose](): Promise<void>
}

/** The HTTP transport (`http(s)://` or `ws(s)://`). */
export declare class HttpTransport extends Transport {
  constructor(url: string, workerId: string, token: string, options?: TransportOptions)
}

/** A transport that talks to nobody: push tasks, read what the worker sent. */
export declare class MockTransport extends Transport {
  constructor(workerId?: string, token?: string)
  pushTask(task: Wire): void
  /** Sends a command down the command stream. */
  pushCommand(command: Wire): void
  registered(): Wire[]
  results(): Wire[]
  heartbeats(): Wire[]
  emittedEvents(): Wire[]
}

/** The transport for `url`: `http(s)://`, `ws(s)://` or `mock://`. */
export declare function createTransport(url: string, workerId: string, token: string, options?: TransportOptions): Transport

/** A skill a worker offers: its name, or its whole description (`SkillInfo`, wire names). */
export type Skill = string | ({ name: string } & Wire)

/** How a worker is made; anything left out is the core's default. */
export interface WorkerOptions {
  /** The orchestrator (`http(s)://`, `ws(s)://`); not needed with `transport`. */
  url?: string
  workerId: string
  token?: string
  skills?: Skill[]
  /** Tasks run at once (default 1). */
  concurrency?: number
  /**
   * Long polls kept open at once, each for a free slot (default 1, as avtomatika's worker SDK
   * polls); with a high `concurrency`, more take tasks without waiting a poll's round trip each.
   */
  concurrentPolls?: number
  /** The orchestrator's key: each task's `sig` is checked, unsigned tasks never run. */
  taskSecret?: string
  /** Seconds between heartbeats (default 15). */
  heartbeatInterval?: number
  /** Long-poll timeout in seconds (default 30). */
  pollTimeout?: number
  /** Seconds tasks in hand may still run at `close()` (default 10); `close()` ends within it
   * (twice it when tasks must be cancelled) whatever the network does. */
  shutdownGrace?: number
  /** Where results wait on disk until the orchestrator has them, and what a stopped or killed
   * worker could not deliver goes out first at the next start: `true` (default:
   * `$XDG_STATE_HOME/rxon/outbox` or `~/.local/state/rxon/outbox`), a folder, or `false`
   * (results in memory only, for diskless devices). */
  outbox?: string | boolean
  workerType?: string
  /** `'masterToken'` (default, what avtomatika demands), `'off'`, or an Ed25519 PEM key. */
  signing?: string
  /** Run over this transport (a `MockTransport` in tests) instead of connecting to `url`. */
  transport?: Transport
  /** A private CA to trust and a client certificate for mutual TLS. */
  tls?: ClientTls
}

/** One task handed to a worker. */
export declare class Task {
  private constructor()
  readonly id: string
  readonly jobId: string
  readonly type: string
  readonly params: Record<string, any>
  readonly payload: Wire
  /** Seconds until the deadline (`null` without one). */
  readonly timeLeft: number | null
  /** Fires when the task is cancelled (a command, a heartbeat answer, its deadline). */
  readonly signal: AbortSignal
  /** Reports the result: an object is its data; the avtomatika SDK's `{ status, data, error }` reports that outcome. */
  complete(data?: unknown): void
  completeWithStatus(status: string, data?: Wire): void
  fail(code: string, message: string, details?: Wire): void
  progress(fraction: number, message?: string): Promise<boolean>
  emit(eventType: string, payload?: Wire): Promise<boolean>
}

/** What a handler does with a task: its result, or a thrown error (mapped by `failureCode`). */
export type Handler = (task: Task) => unknown | Promise<unknown>

/** A worker: `await worker.start()`, then `for await (const task of worker)` or `await worker.run(handler)`. */
export declare class Worker implements AsyncIterable<Task>, AsyncDisposable {
  constructor(options: WorkerOptions)
  start(): Promise<this>
  readonly state: 'connecting' | 'running' | 'draining' | 'stopped'
  nextTask(): Promise<Task | null>
  [Symbol.asyncIterator](): AsyncIterator<Task>
  /** Registers `handler` for the skill `name`; `options` (before `start()`) declare it as `skills` does. */
  skill(name: string, handler: Handler): this
  skill(name: string, options: Omit<SkillInfo, 'name'>, handler: Handler): this
  run(handler?: Handler): Promise<void>
  drain(): Promise<void>
  close(grace?: number): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** The error code a handler's thrown error reports. */
export declare function failureCode(error: unknown): string

/** What a listener's handler is asked: the reference's action names. */
export type Action =
  | 'register'
  | 'poll'
  | 'result'
  | 'heartbeat'
  | 'event'
  | 'sts_token'
  | 'sts_refresh'
  | 'websocket_auth'

/** What the listener knows of a request besides its payload (absent facts are left out). */
export interface RequestContext {
  /** `X-Worker-Token`. */
  token?: string
  /** `X-Worker-ID`, or the worker id in the path (poll, heartbeat, WebSocket). */
  workerIdHint?: string
  /** `X-RXON-Version`. */
  protocolVersion?: string
  /** The Common Name of the worker's client certificate (mTLS). */
  certIdentity?: string
  /** The peer's address (`ip:port`). */
  remoteAddr?: string
  /** `'http'`, or `'websocket'` for frames up the command WebSocket. */
  transport: 'http' | 'websocket'
  /** Poll only: the worker's long-poll timeout in seconds. */
  pollTimeout?: number
  /** Poll only: the skills the worker has room for. */
  availableSkills?: string[]
  /** Poll only: the skills the worker has warm. */
  hotSkills?: string[]
  /** Fires if the worker hangs up before the answer (an abandoned long poll). */
  readonly signal: AbortSignal
}

/**
 * The orchestration engine: answers one request. The payload is the decoded message (a poll's
 * is the worker id; an empty heartbeat's is `null`). Resolve `undefined`/`null` for the
 * action's default (204 "no task" for a poll), or a value to send. Throw an `RxonAuthError`
 * (403), an `RxonRateLimitError` (429 with `Retry-After`), a `ParamValidationError` (400), or
 * an error with a `status`/`statusCode` from 400 to 599; anything else is 500, logged.
 */
export type ListenerHandler = (action: Action, payload: any, context: RequestContext) => unknown | Promise<unknown>

/** The orchestrator's TLS: its certificate, and whether workers must present theirs (mTLS). */
export interface ListenerTls {
  certFile: string
  keyFile: string
  /** The CA that signs worker certificates; needed unless `clientAuth` is `'none'`. */
  clientCa?: string
  clientAuth?: 'none' | 'optional' | 'required'
}

export interface ListenerOptions {
  /** Address to bind (default `127.0.0.1`; `::1`, `0.0.0.0`, …). */
  host?: string
  /** Port to bind (default 0: any free one, see `port`). */
  port?: number
  handler?: ListenerHandler
  tls?: ListenerTls
  /** Largest request body in bytes (default 16 MiB); larger ones are answered 413. */
  bodyLimit?: number
  /** Longest a TLS handshake may take, in seconds (default 10). */
  handshakeTimeout?: number
  /** Longest a client may take to send a request's headers, or stay idle between requests, in seconds (default 30). */
  headerReadTimeout?: number
  /** Largest request head in bytes (default 65536); larger ones get 431. */
  maxHeaderBytes?: number
  /** Most connections at once (default 50000); one more gets 503 with Retry-After. */
  maxConnections?: number
  /** Most long polls one worker id may hold at once (default 16); one more gets 429 with Retry-After. */
  maxPollsPerWorker?: number
  /** Zero trust in front of the handler: avtomatika's rules (token, stamped and signed
   * messages, no replays); every refusal is a 403 the handler never sees. */
  auth?: ListenerAuth
}

export interface ListenerAuth {
  /** Each worker's token, or `{ token, publicKey }` (an Ed25519 PEM) for Ed25519 signers. */
  workers: Record<string, string | { token?: string; publicKey?: string }>
  /** How far a message's `timestamp` may be from now, in seconds (default 60). */
  timestampWindow?: number
  /** How long a signed message is refused again, in seconds (default 65). */
  replayWindow?: number
  /** Most messages remembered at once (default 100000). */
  replayCapacity?: number
  /** Issue access tokens (`/_worker/auth/token`, refreshed at `…/refresh`) valid this long. */
  accessTokenTtl?: number
}

/** An orchestrator endpoint on rxon's listener; like a `net.Server`, it keeps the process alive until `close()`. */
export declare class Listener implements AsyncDisposable {
  constructor(options?: ListenerOptions)
  /** Binds and starts serving (`handler` replaces the constructor's). */
  listen(handler?: ListenerHandler): Promise<this>
  /** The bound port (`null` when not listening). */
  readonly port: number | null
  /** `http(s)://host:port` (`null` when not listening). */
  readonly url: string | null
  /** Sends a `WorkerCommand` down the worker's WebSocket: whether it had one open. */
  sendCommand(workerId: string, command: Wire): Promise<boolean>
  /** The workers whose command WebSocket is open. */
  connectedWorkers(): string[]
  /** Stops accepting, answers long polls 204, closes WebSockets; requests in flight get `grace` seconds (default 5). */
  close(grace?: number): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** The HTTP refusal for what a listener's handler threw. */
export declare function refusalOf(error: unknown): { status: number; message: string; code?: string; retryAfter?: number }

/** One log record of rxon. */
export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace'
  /** Where it comes from (`rxon_core::worker`, `rxon::listener`, …). */
  target: string
  message: string
}

/** A `console`-like object, or a function given each record. */
export type Logger = Pick<Console, 'error' | 'warn' | 'info' | 'debug'> | ((record: LogRecord) => void)

/** Where rxon's log records go (process-wide); `null` for none. Until called, warnings and errors go to stderr. */
export declare function setLogger(logger: Logger | null, options?: { level?: 'off' | LogRecord['level'] }): void
