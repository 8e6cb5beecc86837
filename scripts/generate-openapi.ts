/**
 * Writes docs/contracts/<name>.openapi.yaml from the zod contracts.
 *
 *   npx tsx scripts/generate-openapi.ts            # every contract
 *   npx tsx scripts/generate-openapi.ts chs        # only the named ones
 *   npx tsx scripts/generate-openapi.ts --check    # exit 1 when a committed file is out of date
 *
 * To add a contract, import its `ApiContract` and add it to CONTRACTS.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { athenaContract } from '../core/athena/contract';
import { chsContract } from '../core/chs/contract';
import { renderOpenApiYaml, type ApiContract } from '../core/http/openapi';

export const CONTRACTS: Record<string, ApiContract> = {
  chs: chsContract,
  athena: athenaContract,
};

export const CONTRACTS_DIR = join(__dirname, '..', 'docs', 'contracts');

export function contractPath(name: string): string {
  return join(CONTRACTS_DIR, `${name}.openapi.yaml`);
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const selected = names.length > 0 ? names : Object.keys(CONTRACTS);

  let outdated = 0;
  for (const name of selected) {
    const contract = CONTRACTS[name];
    if (!contract) {
      process.stderr.write(`Unknown contract "${name}". Known contracts: ${Object.keys(CONTRACTS).join(', ')}\n`);
      return 2;
    }

    const yaml = renderOpenApiYaml(contract);
    const path = contractPath(name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = '';
      }
      if (current !== yaml) {
        process.stderr.write(`${path} is out of date: run npx tsx scripts/generate-openapi.ts ${name}\n`);
        outdated += 1;
      }
    } else {
      writeFileSync(path, yaml);
      process.stdout.write(`Wrote ${path}\n`);
    }
  }
  return outdated > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
