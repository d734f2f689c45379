/** The report store keeps the latest report per checkpoint across sessions (workspace storage). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ReportStore } from '../../src/host/reportStore';
import { analyzeExperts, closeAllEditors, demoUri, moeScope } from './helpers';

describe('MoE Scope report store', () => {
  after(async () => closeAllEditors(await moeScope()));

  it('saves the latest report per checkpoint and reads it back in a new session, skipping broken files', async () => {
    const report = await analyzeExperts(demoUri());
    assert.ok(report);
    const folder = mkdtempSync(join(tmpdir(), 'moe-scope-store-'));
    try {
      const storage = vscode.Uri.file(folder);
      const first = new ReportStore(storage);
      let fired = 0;
      first.onDidChange(() => fired++);
      await first.put(report);
      await first.put(report); // The same checkpoint again replaces, never duplicates.
      assert.equal(fired, 2);
      assert.equal(readdirSync(join(folder, 'reports')).length, 1);
      writeFileSync(join(folder, 'reports', 'broken.json'), '{"schema": "moe-scope/report@1", "layers": 3');

      const next = new ReportStore(storage);
      await next.load();
      const back = next.get(demoUri().fsPath);
      assert.ok(back, 'the report is read back');
      assert.equal(next.all().length, 1, 'the broken file is skipped');
      assert.equal(back.model.sha256, report.model.sha256);
      assert.deepEqual(
        back.layers.map((l) => l.summary.expertLoad),
        report.layers.map((l) => l.summary.expertLoad),
      );
      const combine = back.perSample?.[0]?.layers['blocks.2.mlp']?.combine;
      const original = report.perSample?.[0]?.layers['blocks.2.mlp']?.combine;
      assert.ok(combine && original);
      assert.ok(combine.data instanceof Float32Array, 'matrices come back as typed arrays');
      assert.deepEqual(Array.from(combine.data), Array.from(original.data));
      first.dispose();
      next.dispose();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
