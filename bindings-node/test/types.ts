// Compiled by `tsc --strict --noEmit` (tsconfig.json): the published types as a user meets them.
import { jsonDumps, decode, RxonError, validateData, PROTOCOL_VERSION, constants, createTransport, MockTransport } from 'rxon'
const text: string = jsonDumps({ a: 1 })
const v = validateData({ a: 1 }, { type: 'object' })
const ok: boolean = v.valid
try { decode('TaskPayload', {}) } catch (e) { if (e instanceof RxonError) { const d: Record<string, unknown> = e.details } }
const p: string = PROTOCOL_VERSION
console.log(text, ok, p, constants.ERROR_CODE_TRANSIENT)

async function worker(): Promise<void> {
  const transport = createTransport('http://127.0.0.1:1', 'w1', 'token', { requestTimeout: 5 })
  const task = await transport.pollTask(30, ['echo'])
  if (task !== null) {
    const accepted: boolean = await transport.sendResult({ job_id: task.job_id, task_id: task.task_id, data: {} })
    console.log(accepted)
  }
  const mock = new MockTransport('w1')
  mock.pushTask({ job_id: 'j', task_id: 't', type: 'echo' })
  await transport.close()
}
void worker
