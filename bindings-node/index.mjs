// ES module entry of `rxon`: the same objects as `require('rxon')`. Constants other than the
// two named here come as `constants.NAME` (or on the default export).
import { createRequire } from 'node:module'

const rxon = createRequire(import.meta.url)('./index.js')

export default rxon
export const {
  jsonDumps,
  toDict,
  loads,
  calculateDictHash,
  decode,
  signPayload,
  verifySignature,
  signPayloadEd25519,
  verifySignatureEd25519,
  signBubblingChain,
  verifyBubblingChainSignature,
  signBubblingChainHmac,
  verifyBubblingChainHmac,
  isValidIdentifier,
  validateIdentifier,
  calculateConfigHash,
  parseUri,
  validateData,
  matches,
  constants,
  MESSAGE_NAMES,
  PROTOCOL_VERSION,
  TERMINAL_STATES,
  RxonError,
  RxonNetworkError,
  RxonAuthError,
  RxonProtocolError,
  RxonRateLimitError,
  ParamValidationError,
  IntegrityError,
  S3ConfigMismatchError,
  Transport,
  HttpTransport,
  MockTransport,
  createTransport,
  Worker,
  Task,
  failureCode,
} = rxon
