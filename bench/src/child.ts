import { spawn } from 'node:child_process';

/** Runs a node script to completion and returns the last JSON line it printed on stdout. */
export function runNode(args: string[], env: Record<string, string>, log: (m: string) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const last = d.toString().trim().split('\n').at(-1);
      if (last) log(last.slice(0, 200));
    });
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`));
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`no JSON result from ${args.join(' ')}: ${out.slice(-500)}`));
      }
    });
  });
}
