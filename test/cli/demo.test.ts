import { runDemo } from '../../src/cli/demo.js';

describe('npm run demo', () => {
  test('goes on through an event day and past the event, offline', async () => {
    let out = '';
    expect(await runDemo([], (text) => void (out += text))).toBe(0);
    const dayOne = out.slice(out.indexOf('⑤'), out.indexOf('⑥'));
    expect(dayOne).toContain('stage: go');
    expect(dayOne).toContain('(merged ✅)');
    expect(dayOne).not.toContain('in the past.');
    const after = out.slice(out.indexOf('⑥'));
    expect(after).toContain('Scale down after workshop #17: user-n2-highmem-4 on demo-cluster');
    expect(after).toMatch(/^-    min : 5,\n\+    min : 0,$/m); // the plan's 5 warm nodes back to 0
    expect(after).toContain('### Workshop finished');
    expect(after).toContain('labels: workshop-request, readiness: go, readiness: done');
    expect(after).toContain('byte-for-byte as before ready mode: yes');
  });
});
