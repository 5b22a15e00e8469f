'use strict'
// The shared vectors (computed by the reference package) through the Node API. Vector files
// are read with `rxon.loads`, so integers beyond 2^53 stay exact (as BigInts).

const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { test } = require('node:test')
const rxon = require('..')

const VECTORS = process.env.RXON_VECTORS_DIR || path.resolve(__dirname, '..', '..', '..', 'shared', 'vectors')

function vectors(name) {
  const cases = rxon.loads(fs.readFileSync(path.join(VECTORS, `${name}.json`), 'utf8')).cases
  assert.ok(cases.length > 0, `${name}.json has no cases`)
  return cases
}

const tested = new Set()
function vectorTest(name, body) {
  tested.add(name)
  test(`${name}.json`, () => {
    const cases = vectors(name)
    const passed = body(cases) ?? cases.length
    console.log(`${name}.json: ${passed} passed`)
  })
}

vectorTest('canonical', (cases) => {
  cases.forEach((c, i) => {
    assert.equal(rxon.jsonDumps(c.input), c.canonical, `case ${i}`)
    assert.deepEqual(rxon.toDict(c.input), c.to_dict, `case ${i}`)
    assert.equal(rxon.calculateDictHash(c.input), c.sha256, `case ${i}`)
    assert.equal(rxon.jsonDumps(rxon.loads(c.canonical)), c.canonical, `case ${i}`)
  })
})

vectorTest('hmac', (cases) => {
  cases.forEach((c, i) => {
    assert.equal(rxon.signPayload(c.payload, c.secret, c.ignore_fields), c.signature, `case ${i}`)
    assert.ok(rxon.verifySignature(c.payload, c.signature, c.secret, c.ignore_fields), `case ${i}`)
    assert.ok(!rxon.verifySignature(c.payload, c.signature, c.secret + 'x', c.ignore_fields), `case ${i}`)
  })
})

vectorTest('floats', (cases) => {
  for (const c of cases) {
    assert.equal(rxon.jsonDumps(Number(c.repr)), c.json, c.repr)
  }
})

vectorTest('ed25519', (cases) => {
  const publicKeys = [...new Set(cases.map((c) => c.public_key_pem))]
  assert.ok(publicKeys.length > 1, 'the vectors hold several keys')
  cases.forEach((c, i) => {
    assert.equal(rxon.signPayloadEd25519(c.payload, c.private_key_pem), c.signature, `case ${i}`)
    assert.ok(rxon.verifySignatureEd25519(c.payload, c.signature, c.public_key_pem), `case ${i}`)
    const other = publicKeys.find((key) => key !== c.public_key_pem)
    assert.equal(rxon.verifySignatureEd25519(c.payload, c.signature, other), c.verify_with_other_key, `case ${i}`)
    const tampered = { ...c.payload, tampered: true }
    assert.equal(rxon.verifySignatureEd25519(tampered, c.signature, c.public_key_pem), c.verify_tampered, `case ${i}`)
  })
})

vectorTest('bubbling_chain', (cases) => {
  cases.forEach((c, i) => {
    assert.equal(rxon.signBubblingChainHmac(c.chain, c.secret), c.hmac, `case ${i}`)
    assert.ok(rxon.verifyBubblingChainHmac(c.chain, c.hmac, c.secret), `case ${i}`)
    assert.equal(rxon.signBubblingChain(c.chain, c.private_key_pem), c.ed25519, `case ${i}`)
    assert.ok(rxon.verifyBubblingChainSignature(c.chain, c.ed25519, c.public_key_pem), `case ${i}`)
    const reversed = rxon.verifyBubblingChainHmac([...c.chain].reverse(), c.hmac, c.secret)
    assert.equal(reversed, c.verify_reversed_hmac, `case ${i}`)
  })
})

vectorTest('identifiers', (cases) => {
  for (const c of cases) {
    assert.equal(rxon.isValidIdentifier(c.value), c.valid, c.value)
  }
})

vectorTest('blob', (cases) => {
  for (const c of cases) {
    if (c.fn === 'calculate_config_hash') {
      assert.equal(rxon.calculateConfigHash(c.endpoint, c.access_key, c.bucket), c.result, JSON.stringify(c))
    } else if ('error' in c) {
      assert.throws(() => rxon.parseUri(c.uri, c.default_bucket, c.prefix), (e) => e instanceof rxon.RxonError && e.message === c.error)
    } else {
      const location = rxon.parseUri(c.uri, c.default_bucket, c.prefix)
      assert.deepEqual([location.bucket, location.key, location.isDirectory], c.result, JSON.stringify(c))
    }
  }
})

vectorTest('schema', (cases) => {
  for (const c of cases) {
    const { valid, message } = rxon.validateData(c.data, c.schema)
    assert.equal(valid, c.valid, JSON.stringify(c))
    if (!valid) assert.equal(message, c.message)
  }
})

// Float and string members with a default: the vector files' generator handed the reference
// some as its own default objects, which it then leaves out (it compares defaults by identity);
// no JSON text can say that, and the reference decoding the same text keeps them, as rxon does
// (see the Rust and Python tests, which also check against the reference itself).
const KEPT_DEFAULTS = {
  priority: 0,
  cpu_load_percent: 0,
  ram_used_gb: 0,
  status: 'success',
  worker_type: 'generic',
  schema_dialect: 'json-schema',
  version: 'unknown',
  hostname: 'unknown',
  ip_address: '0.0.0.0',
}

/** Whether `expected` is `ours` without some members equal to their float or string default. */
function differsByKeptDefaults(ours, expected) {
  if (Array.isArray(ours) && Array.isArray(expected)) {
    return ours.length === expected.length && ours.every((item, i) => differsByKeptDefaults(item, expected[i]))
  }
  if (ours && expected && typeof ours === 'object' && typeof expected === 'object') {
    return (
      Object.keys(expected).every((key) => key in ours) &&
      Object.entries(ours).every(([key, item]) =>
        key in expected ? differsByKeptDefaults(item, expected[key]) : key in KEPT_DEFAULTS && item === KEPT_DEFAULTS[key],
      )
    )
  }
  return rxon.jsonDumps([ours]) === rxon.jsonDumps([expected])
}

vectorTest('models', (cases) => {
  let byIdentity = 0
  for (const c of cases) {
    if (!c.ok) {
      assert.throws(() => rxon.decode(c.model, c.wire), (e) => e instanceof rxon.RxonError && e.message === c.error, c.error)
      continue
    }
    const ours = rxon.decode(c.model, c.wire)
    if (rxon.jsonDumps(ours) !== rxon.jsonDumps(c.reencoded)) {
      assert.ok(differsByKeptDefaults(ours, c.reencoded), JSON.stringify(c))
      byIdentity += 1
    }
    assert.equal(rxon.jsonDumps(rxon.decode(c.model, ours)), rxon.jsonDumps(ours))
  }
  console.log(`models.json: ${byIdentity} where rxon keeps a default member that arrived, as the reference does`)
  return cases.length - byIdentity
})

vectorTest('roundtrip', (cases) => {
  let byIdentity = 0
  cases.forEach((c, i) => {
    assert.ok(rxon.verifySignature(c.wire, c.wire_signature, 'vector-secret'), `case ${i}`)
    const decoded = rxon.decode(c.model, c.wire)
    const text = rxon.jsonDumps(decoded)
    const verifies = rxon.verifySignature(decoded, c.wire_signature, 'vector-secret')
    if (text === c.reencoded) {
      assert.equal(verifies, c.verifies_over_decoded, `case ${i}`)
    } else {
      assert.ok(differsByKeptDefaults(rxon.loads(text), rxon.loads(c.reencoded)), `case ${i}`)
      assert.ok(!c.verifies_over_decoded, `case ${i}`)
      byIdentity += 1
    }
  })
  console.log(`roundtrip.json: ${byIdentity} where rxon keeps a default member that arrived, as the reference does`)
  return cases.length - byIdentity
})

const MATCHING_MODELS = { device: 'HardwareDevice', artifact: 'InstalledArtifact', skill: 'SkillInfo', resources: 'Resources' }

vectorTest('matching', (cases) => {
  for (const c of cases) {
    assert.equal(rxon.matches(MATCHING_MODELS[c.kind], c.have, c.required), c.matches, JSON.stringify(c))
  }
})

test('every vector file is exercised', () => {
  const files = fs.readdirSync(VECTORS).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''))
  assert.ok(files.length > 0, `no vectors in ${VECTORS}`)
  const untested = files.filter((f) => !tested.has(f))
  assert.deepEqual(untested, [], `vector files without a test: ${untested}`)
})

test('schema_patterns.json (our own, computed by the reference)', () => {
  const file = path.resolve(__dirname, '..', '..', 'tests', 'vectors', 'schema_patterns.json')
  const cases = rxon.loads(fs.readFileSync(file, 'utf8')).cases
  for (const c of cases) {
    const { valid, message } = rxon.validateData(c.data, c.schema)
    assert.deepEqual([valid, message ?? null], [c.valid, c.message], JSON.stringify(c))
  }
  console.log(`schema_patterns.json: ${cases.length} passed`)
})
