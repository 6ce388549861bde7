// The local IAM gate's policy evaluator: AWS's policy evaluation logic, by @cloud-copilot/iam-simulate.
//
// Reads one JSON request a line on stdin and answers one JSON line on stdout, in order of completion, matched by id:
//   in:  {"id": 7, "principal": "arn:aws:sts::123456789012:assumed-role/role/session", "action": "s3:GetObject",
//         "resource": "arn:aws:s3:::bucket/key", "resourceAccount": "123456789012",
//         "identityPolicies": [{"name": "...", "policy": {...}}], "resourcePolicy": {...} | null,
//         "context": {"aws:SecureTransport": "true", ...}}
//   out: {"id": 7, "result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | "Error", "detail": "..."}
// devkit's IamPolicyEvaluator starts it once per JVM (scripts/lib.sh ensure_iam_simulator installs the package).
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })

function answer(reply) {
  process.stdout.write(JSON.stringify(reply) + '\n')
}

lines.on('line', async (line) => {
  if (!line.trim()) return
  let request
  try {
    request = JSON.parse(line)
  } catch (e) {
    answer({ id: -1, result: 'Error', detail: 'not JSON: ' + e.message })
    return
  }
  try {
    const simulation = {
      identityPolicies: request.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy ?? undefined,
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {}
      }
    }
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      answer({ id: request.id, result: 'Error', detail: JSON.stringify(response.errors) })
      return
    }
    answer({ id: request.id, result: response.overallResult, detail: explain(response) })
  } catch (e) {
    answer({ id: request.id, result: 'Error', detail: String(e && e.message ? e.message : e) })
  }
})

// A short reason a person can act on: which kind of policy decided.
function explain(response) {
  const analysis = response.result?.analysis
  if (!analysis) return ''
  const denies = [analysis.identityAnalysis, analysis.resourceAnalysis]
    .flatMap((a) => a?.denyStatements ?? [])
    .map((s) => s.explain?.identifier ?? s.statementId ?? '')
  if (denies.length) return 'explicit deny in statement ' + denies.join(', ')
  if (response.overallResult === 'ImplicitlyDenied') {
    return 'no identity-based or resource-based policy allows it'
  }
  return ''
}
