/**
 * Bounding boxes of the nodes and sticky notes of a workflow, computed from its JSON the way the
 * n8n 2.41.1 canvas lays them out, and an overlap check that both the JSON and the DOM boxes use.
 */

/**
 * Canvas grid of n8n 2.41.1. The editor snaps imported positions to multiples of 16 after shifting
 * the whole workflow, so a drawn position can differ from the JSON by up to one grid step.
 */
export const GRID_SIZE = 16;

/** Size of a regular node on the n8n 2.41.1 canvas, without its label, in canvas pixels. */
export const DEFAULT_NODE_SIZE = { width: 96, height: 96 };

/** Size of a sticky note without `width`/`height` parameters. NOTE: taken from older n8n releases, not measured in 2.41.1. */
export const DEFAULT_STICKY_SIZE = { width: 240, height: 160 };

export const STICKY_NOTE_TYPE = 'n8n-nodes-base.stickyNote';

export interface Box {
  name: string;
  kind: 'node' | 'sticky';
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WorkflowNodeJson {
  name: string;
  type: string;
  position: [number, number];
  parameters?: Record<string, unknown>;
}

export interface Overlap {
  first: string;
  second: string;
  /** Width and height of the shared area, in the units of the boxes. */
  width: number;
  height: number;
}

/** Computes each node's and sticky note's box from the positions and sizes in the workflow JSON. */
export function boxesFromWorkflow(nodes: readonly WorkflowNodeJson[]): Box[] {
  return nodes.map((node) => {
    const [x, y] = node.position;
    if (node.type === STICKY_NOTE_TYPE) {
      const width = Number(node.parameters?.width ?? DEFAULT_STICKY_SIZE.width);
      const height = Number(node.parameters?.height ?? DEFAULT_STICKY_SIZE.height);
      return { name: node.name, kind: 'sticky', x, y, width, height };
    }
    return { name: node.name, kind: 'node', x, y, ...DEFAULT_NODE_SIZE };
  });
}

/** Returns every pair of boxes that share an area. Boxes that only touch at an edge do not overlap. */
export function findOverlaps(boxes: readonly Box[]): Overlap[] {
  const overlaps: Overlap[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (width > 0.5 && height > 0.5) overlaps.push({ first: a.name, second: b.name, width, height });
    }
  }
  return overlaps;
}
