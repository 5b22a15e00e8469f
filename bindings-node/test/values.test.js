'use strict'
// JavaScript values as the core reads them: what JSON has, exactly; what it lacks, refused.

const assert = require('node:assert/strict')
const { test } = require('node:test')
const rxon = require('..')

test('strings of any length and script are read whole, as keys and as values', () => {
  for (const char of ['x', 'é', '中', '😀']) {
    for (let n = 0; n <= 300; n++) {
      const text = char.repeat(n)
      assert.equal(rxon.jsonDumps({ [text]: text }), JSON.stringify({ [text]: text }), `${char} × ${n}`)
    }
  }
})

test('integers beyond 2^53 travel as BigInts and are written exactly', () => {
  const text = '{"a":-123456789012345678901234567890,"b":9007199254740993}'
  const value = rxon.loads(text)
  assert.equal(value.a, -123456789012345678901234567890n)
  assert.equal(value.b, 9007199254740993n)
  assert.equal(rxon.jsonDumps(value), text)
  // An integral number beyond 2^53 is the exact integer the double holds.
  assert.equal(rxon.jsonDumps(2 ** 64), '18446744073709551616')
  assert.equal(rxon.toDict({ n: 2 ** 64 }).n, 18446744073709551616n)
  assert.equal(rxon.toDict({ n: -0 }).n, 0)
})

test('what JSON lacks is refused by name; depth is bounded', () => {
  assert.throws(() => rxon.jsonDumps({ a: Symbol('s') }), { name: 'TypeError', message: 'Object of type Symbol is not JSON serializable' })
  assert.throws(() => rxon.jsonDumps([() => 1]), TypeError)
  assert.throws(() => rxon.jsonDumps({ when: new Date(0) }), /Date/)
  assert.throws(() => rxon.jsonDumps(Buffer.from('x')), /TypedArray/)
  assert.throws(() => rxon.jsonDumps(new Float64Array(2)), /TypedArray/)
  let deep = []
  for (let i = 0; i < 40; i++) deep = [deep]
  assert.throws(() => rxon.toDict(deep), RangeError)
  const cycle = {}
  cycle.self = cycle
  assert.throws(() => rxon.jsonDumps(cycle), RangeError)
  // Members holding undefined are left out, as JSON.stringify leaves them.
  assert.equal(rxon.jsonDumps({ a: undefined, b: 1 }), '{"b":1}')
})

test('decode refuses what the reference refuses, with its message and details', () => {
  assert.throws(
    () => rxon.decode('TaskPayload', { job_id: 'j', task_id: 't', type: 'x', security: [] }),
    (e) =>
      e instanceof rxon.RxonError &&
      e.message === 'Failed to instantiate TaskPayload: Expected `object | null`, got `array` - at `$.security`' &&
      e.details.path === '$.security',
  )
  assert.throws(() => rxon.decode('NoSuchMessage', {}), rxon.RxonError)
})
