// The differential test's oracle. Reads a JSON list of cases on stdin, prints one JSON line per
// case: {"id": ..., "decision": "Allowed"|"ExplicitlyDenied"|"ImplicitlyDenied"} or
// {"id": ..., "error": "..."} when the simulator refuses the input.
// A case: {"id", "identity": [{"name", "policy"}], "resource_policy": policy or null,
// "principal", "action", "resource", "resource_account", "context": {key: string | [string]}}.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const out = []
for (const c of cases) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resource_account },
      contextVariables: c.context
    },
    identityPolicies: c.identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.resource_policy ?? undefined
  }
  try {
    const r = await runSimulation(simulation, {})
    if (r.resultType === 'error') {
      out.push({ id: c.id, error: r.errors.message ?? 'error' })
    } else {
      const ignored = r.resultType === 'single' ? (r.result.ignoredContextKeys ?? []) : []
      out.push({ id: c.id, decision: r.overallResult, ignored })
    }
  } catch (e) {
    out.push({ id: c.id, error: String(e) })
  }
}
process.stdout.write(out.map((o) => JSON.stringify(o)).join('\n') + '\n')
