/**
 * The reconciler template re-drives submissions through the same nodes as the intake template, so
 * their settings must match: another reference pattern or force code would allocate a second
 * reference, and another final step would never mark the submissions completed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TemplateNode } from '../../../scripts/demo/templates/nodes';
import { RECONCILER_NODE_NAME } from '../../../scripts/demo/templates/reconciler';

const WORKFLOWS = path.join(__dirname, '..', '..', '..', 'workflows');
const PACKAGE = 'n8n-nodes-contact-hub';

function nodesOf(file: string): TemplateNode[] {
  return (JSON.parse(readFileSync(path.join(WORKFLOWS, file), 'utf8')) as { nodes: TemplateNode[] }).nodes;
}

function single(nodes: TemplateNode[], type: string): TemplateNode {
  const found = nodes.filter((node) => node.type === `${PACKAGE}.${type}`);
  expect({ type, count: found.length }).toEqual({ type, count: 1 });
  return found[0];
}

const reconciler = nodesOf('contact-hub-reconciler.json');
const intake = nodesOf('ihub-api-to-chs-and-athena.json');

describe('reconciler template', () => {
  it.each(['referenceAllocator', 'chsWriter', 'athenaWriter'])('uses the intake settings of %s', (type) => {
    expect(single(reconciler, type).parameters).toEqual(single(intake, type).parameters);
  });

  it('ends where the intake path ends', () => {
    const trigger = reconciler.find((node) => node.name === RECONCILER_NODE_NAME)!;
    const lastAudit = intake.find((node) => node.type === `${PACKAGE}.auditLogger` && node.parameters.step === 'written-to-athena');

    expect(trigger.type).toBe(`${PACKAGE}.contactHubReconciler`);
    expect(trigger.parameters.finalStep).toBe('written-to-athena');
    expect(lastAudit?.parameters.outcome ?? 'success').toBe('success');
  });

  it('audits every step it re-drives', () => {
    const steps = reconciler
      .filter((node) => node.type === `${PACKAGE}.auditLogger` && (node.parameters.outcome ?? 'success') === 'success')
      .map((node) => node.parameters.step);

    expect(steps).toEqual(expect.arrayContaining(['received', 'reference-allocated', 'written-to-chs', 'written-to-athena']));
  });
});
