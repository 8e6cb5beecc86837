/** The overlap check that the canvas test relies on, tested on boxes whose overlaps are known. */
import { boxesFromWorkflow, DEFAULT_NODE_SIZE, DEFAULT_STICKY_SIZE, findOverlaps, STICKY_NOTE_TYPE } from './canvasGeometry';

describe('canvas geometry', () => {
  test('nodes side by side do not overlap', () => {
    const boxes = boxesFromWorkflow([
      { name: 'A', type: 'n8n-nodes-base.noOp', position: [0, 0] },
      { name: 'B', type: 'n8n-nodes-base.noOp', position: [DEFAULT_NODE_SIZE.width, 0] },
    ]);

    expect(findOverlaps(boxes)).toEqual([]);
  });

  test('overlapping nodes are reported', () => {
    const boxes = boxesFromWorkflow([
      { name: 'A', type: 'n8n-nodes-base.noOp', position: [0, 0] },
      { name: 'B', type: 'n8n-nodes-base.noOp', position: [50, 40] },
    ]);

    expect(findOverlaps(boxes)).toEqual([{ first: 'A', second: 'B', width: DEFAULT_NODE_SIZE.width - 50, height: DEFAULT_NODE_SIZE.height - 40 }]);
  });

  test('sticky note uses its own size', () => {
    const [sized, unsized] = boxesFromWorkflow([
      { name: 'Sized', type: STICKY_NOTE_TYPE, position: [0, 0], parameters: { width: 500, height: 300 } },
      { name: 'Unsized', type: STICKY_NOTE_TYPE, position: [0, 400], parameters: {} },
    ]);

    expect(sized).toMatchObject({ kind: 'sticky', width: 500, height: 300 });
    expect(unsized).toMatchObject({ kind: 'sticky', ...DEFAULT_STICKY_SIZE });
  });

  test('node on a sticky note is reported', () => {
    const boxes = boxesFromWorkflow([
      { name: 'Note', type: STICKY_NOTE_TYPE, position: [0, 0], parameters: { width: 400, height: 200 } },
      { name: 'Node', type: 'n8n-nodes-base.noOp', position: [300, 150] },
    ]);

    expect(findOverlaps(boxes).map(({ first, second }) => [first, second])).toEqual([['Note', 'Node']]);
  });
});
