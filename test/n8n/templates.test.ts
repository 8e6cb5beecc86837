/**
 * Static checks of the template workflows in `workflows/`: they match their generator, hold no
 * credentials, wire every error output to somewhere visible, and keep a tidy canvas (no node on
 * top of another, no sticky note over a node). Needs no running n8n.
 */
import { readFileSync } from 'node:fs';
import { buildTemplates, serialiseTemplate, TEMPLATE_FILES, TemplateKey, templatePath, TemplateWorkflow, WEBHOOK_IDS } from '../../scripts/demo/templates/build';
import type { TemplateNode } from '../../scripts/demo/templates/nodes';

const STICKY = 'n8n-nodes-base.stickyNote';
// The n8n 2.x canvas draws a node as a 100 × 100 square with its name underneath; keep a margin for the name.
const NODE_BOX = { width: 100, height: 100, labelMargin: 60 };

const keys = Object.keys(TEMPLATE_FILES) as TemplateKey[];

function committed(key: TemplateKey): TemplateWorkflow {
  return JSON.parse(readFileSync(templatePath(key), 'utf8')) as TemplateWorkflow;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function nodeBox(node: TemplateNode): Box {
  const [x, y] = node.position;
  return { left: x, top: y, right: x + NODE_BOX.width, bottom: y + NODE_BOX.height + NODE_BOX.labelMargin };
}

function stickyBox(node: TemplateNode): Box {
  const [x, y] = node.position;
  return { left: x, top: y, right: x + Number(node.parameters.width), bottom: y + Number(node.parameters.height) };
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

describe.each(keys)('template %s', (key) => {
  const workflow = committed(key);
  const nodes = workflow.nodes.filter((node) => node.type !== STICKY);
  const notes = workflow.nodes.filter((node) => node.type === STICKY);

  test('matches its generator', () => {
    expect(readFileSync(templatePath(key), 'utf8')).toBe(serialiseTemplate(buildTemplates()[key]));
  });

  test('holds no credentials', () => {
    expect(workflow.nodes.filter((node) => 'credentials' in node).map((node) => node.name)).toEqual([]);
  });

  test('has unique node names and ids', () => {
    expect(new Set(workflow.nodes.map((node) => node.name)).size).toBe(workflow.nodes.length);
    expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(workflow.nodes.length);
  });

  test('connects only nodes that exist', () => {
    const names = new Set(workflow.nodes.map((node) => node.name));
    for (const [from, outputs] of Object.entries(workflow.connections)) {
      expect(names.has(from)).toBe(true);
      for (const target of outputs.main.flat()) expect({ from, to: target.node, exists: names.has(target.node) }).toEqual({ from, to: target.node, exists: true });
    }
  });

  test('sends every failed write to a person', () => {
    // Contact Hub nodes put a failed item on their main output with an `error` field, so n8n's error
    // output stays empty for them. An If node on `$json.error` has to follow each one instead.
    const byName = new Map(workflow.nodes.map((node) => [node.name, node]));
    const contactHubNodes = nodes.filter((node) => node.type.startsWith('n8n-nodes-contact-hub.') && node.onError !== undefined);
    for (const node of contactHubNodes) {
      expect({ node: node.name, onError: node.onError }).toEqual({ node: node.name, onError: 'continueRegularOutput' });
      const next = (workflow.connections[node.name]?.main[0] ?? []).map((target) => byName.get(target.node));
      const checksError = next.some(
        (candidate) => candidate?.type === 'n8n-nodes-base.if' && JSON.stringify(candidate.parameters).includes('$json.error'),
      );
      expect({ node: node.name, checksError }).toEqual({ node: node.name, checksError: true });
    }
  });

  test('wires every error output', () => {
    for (const node of nodes.filter((candidate) => candidate.onError === 'continueErrorOutput')) {
      const outputs = workflow.connections[node.name]?.main ?? [];
      expect({ node: node.name, wired: (outputs.at(-1) ?? []).length > 0 }).toEqual({ node: node.name, wired: true });
    }
  });

  test('reaches every node from the trigger', () => {
    const targets = new Set(Object.values(workflow.connections).flatMap((outputs) => outputs.main.flat().map((target) => target.node)));
    const unreached = nodes.filter((node) => !targets.has(node.name)).map((node) => node.name);
    expect(unreached).toHaveLength(1);
  });

  test('keeps nodes apart', () => {
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        expect({ pair: [nodes[i].name, nodes[j].name], overlap: overlaps(nodeBox(nodes[i]), nodeBox(nodes[j])) }).toEqual({
          pair: [nodes[i].name, nodes[j].name],
          overlap: false,
        });
      }
    }
  });

  test('keeps sticky notes off nodes and each other', () => {
    for (const note of notes) {
      for (const node of nodes) {
        expect({ note: note.name, node: node.name, overlap: overlaps(stickyBox(note), nodeBox(node)) }).toEqual({ note: note.name, node: node.name, overlap: false });
      }
      for (const other of notes.filter((candidate) => candidate !== note)) {
        expect({ note: note.name, other: other.name, overlap: overlaps(stickyBox(note), stickyBox(other)) }).toEqual({ note: note.name, other: other.name, overlap: false });
      }
    }
  });
});

describe('webhook ids', () => {
  test('API templates carry the documented ids', () => {
    const trigger = (key: 'apiToChs' | 'apiToChsAndAthena') => committed(key).nodes.find((node) => node.type.endsWith('.sohTrigger'));
    expect(trigger('apiToChs')?.webhookId).toBe(WEBHOOK_IDS.apiToChs);
    expect(trigger('apiToChsAndAthena')?.webhookId).toBe(WEBHOOK_IDS.apiToChsAndAthena);
    const docs = readFileSync(`${__dirname}/../../docs/templates.md`, 'utf8');
    for (const id of Object.values(WEBHOOK_IDS)) expect(docs).toContain(id);
  });
});
