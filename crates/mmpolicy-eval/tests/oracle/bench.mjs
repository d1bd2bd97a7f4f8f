// The oracle's own rate, for docs/performance.md: @cloud-copilot/iam-simulate deciding the six
// requests of crates/mmpolicy-eval/benches/eval.rs (the same policies, principals and context),
// in a loop, after a warm-up. Prints requests per second for each of `rounds` timed rounds.
//
//   cd crates/mmpolicy-eval/tests/oracle && npm ci && node bench.mjs [seconds per round] [rounds]
import { runSimulation } from '@cloud-copilot/iam-simulate'

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf'
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
const INGRESS = 'arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1'
const conditions = {
  StringEquals: { 'aws:SourceAccount': '111122223333' },
  ArnLike: { 'aws:SourceArn': 'arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/*' }
}
const secret = { Version: '2012-10-17', Statement: [
  { Sid: 'MailManager', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' },
    Action: 'secretsmanager:GetSecretValue', Resource: '*', Condition: conditions }] }
const key = { Version: '2012-10-17', Statement: [
  { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' },
    Action: 'kms:*', Resource: '*' },
  { Sid: 'MailManager', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*', Condition: conditions },
  { Sid: 'NoHttp', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*',
    Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }] }
const identity = [{ name: 'app', policy: { Version: '2012-10-17', Statement: [
  { Sid: 'Decrypt', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: KEY },
  { Sid: 'Read', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET,
    Condition: { StringEquals: { 'aws:PrincipalTag/team': 'mail' } } }] } }]

const ses = 'ses.amazonaws.com'
const role = 'arn:aws:sts::111122223333:assumed-role/app/i-0abc'
const ok = { 'aws:SourceAccount': '111122223333', 'aws:SourceArn': INGRESS }
const other = { 'aws:SourceAccount': '444455556666',
  'aws:SourceArn': 'arn:aws:ses:eu-west-1:444455556666:mailmanager-ingress-point/inp-1' }
const request = (principal, action, resource, context, onSecret) => ({
  request: { principal, action, resource: { resource, accountId: '111122223333' },
    contextVariables: context },
  identityPolicies: identity,
  serviceControlPolicies: [],
  resourceControlPolicies: [],
  resourcePolicy: onSecret ? secret : key
})
const simulations = [
  request(ses, 'secretsmanager:GetSecretValue', SECRET, ok, true),
  request(ses, 'secretsmanager:GetSecretValue', SECRET, other, true),
  request(ses, 'kms:Decrypt', KEY, ok, false),
  request(ses, 'kms:Decrypt', KEY, other, false),
  request(role, 'kms:Decrypt', KEY, {}, false),
  request(role, 'secretsmanager:GetSecretValue', SECRET, { 'aws:PrincipalTag/team': 'mail' }, true)
]

const seconds = Number(process.argv[2] ?? 3)
const rounds = Number(process.argv[3] ?? 5)
const decisions = []
for (const s of simulations) decisions.push((await runSimulation(s, {})).overallResult)
console.log(`decisions: ${decisions.join(', ')}`)
// Warm-up: let the JIT settle.
for (let i = 0; i < 2000; i++) await runSimulation(simulations[i % 6], {})
for (let round = 0; round < rounds; round++) {
  let n = 0
  const start = process.hrtime.bigint()
  const until = start + BigInt(Math.round(seconds * 1e9))
  let now = start
  while (now < until) {
    for (const s of simulations) await runSimulation(s, {})
    n += simulations.length
    now = process.hrtime.bigint()
  }
  const elapsed = Number(now - start) / 1e9
  console.log(`round ${round + 1}: ${Math.round(n / elapsed)} requests/s (${n} in ${elapsed.toFixed(2)} s)`)
}
