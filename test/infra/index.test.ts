import { applyPatch } from 'diff';
import { eksctlJsonnetFormat, infraFormats, tfvarsFormat, unifiedDiff } from '../../src/infra/index.js';
import { infraFormatSchema } from '../../src/config/schema.js';

describe('infraFormats', () => {
  test('has one format per config name, each named like its key', () => {
    expect(Object.keys(infraFormats).sort()).toEqual([...infraFormatSchema.options].sort());
    for (const [name, format] of Object.entries(infraFormats)) expect(format.name).toBe(name);
    expect(infraFormats.tfvars).toBe(tfvarsFormat);
    expect(infraFormats['eksctl-jsonnet']).toBe(eksctlJsonnetFormat);
  });
});

describe('unifiedDiff', () => {
  const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
  const after = 'a\nb\nc\nd\nE\nf\ng\nh\n';

  test('is empty when nothing changed', () => {
    expect(unifiedDiff('x/y.tfvars', before, before)).toBe('');
  });

  test('is git-style: a/ and b/ headers, no separator line, three lines of context', () => {
    const diff = unifiedDiff('terraform/gcp/projects/demo.tfvars', before, after);
    expect(diff.split('\n').slice(0, 3)).toEqual([
      '--- a/terraform/gcp/projects/demo.tfvars',
      '+++ b/terraform/gcp/projects/demo.tfvars',
      '@@ -2,7 +2,7 @@',
    ]);
    expect(diff).toContain('\n-e\n+E\n');
    expect(diff).not.toContain('===');
  });

  test('applies back to the new text', () => {
    expect(applyPatch(before, unifiedDiff('f', before, after))).toBe(after);
  });
});
