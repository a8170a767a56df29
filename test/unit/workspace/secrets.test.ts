import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretPath, matchSecretPattern, SECRET_PATTERNS } from '../../../src/core/workspace/secrets';

test('secret files are recognised at any depth, case-insensitively', () => {
  for (const p of [
    '.env', 'app/.env', '.env.local', '.env.production', 'prod.env', 'server.pem', 'certs/TLS.KEY', 'a.p12', 'b.pfx',
    'android/release.keystore', 'keys.jks', 'id_rsa', 'home/.ssh/id_rsa.pub', 'id_ed25519', 'id_ecdsa', 'id_dsa',
    '.netrc', '.pgpass', '.npmrc', 'pkg/.pypirc', 'credentials', 'gcp/credentials.json', 'home/.aws/credentials',
    '.docker/config.json', 'config/secrets.yml', 'secrets.yaml', 'secrets.json', 'service-account.json',
    'gcp/service-account-prod.json', 'infra/prod.tfvars', 'terraform.tfstate', '.git-credentials', 'htpasswd', '.htpasswd',
    'win\\path\\.env', './.env',
  ]) assert.ok(isSecretPath(p), `${p} should be secret`);
});

test('ordinary source files are not secrets', () => {
  for (const p of [
    'src/env.ts', 'environment.ts', '.envoy.yaml', 'docs/keys.md', 'src/keyboard.ts', 'key.ts', 'pem.go', 'id_rsa_parser.go'.replace('id_rsa', 'rsa'),
    'credentials.ts', 'src/credentials/index.ts', 'aws/credentials.md', 'docker/config.json', 'secrets.ts', 'secrets.yml.md',
    'service-account.ts', 'vars.tf', 'package.json', '.gitignore', 'README.md',
  ]) assert.ok(!isSecretPath(p), `${p} should not be secret`);
});

test('the matched pattern is reported, and the list is data', () => {
  assert.equal(matchSecretPattern('deploy/server.pem'), '*.pem');
  assert.equal(matchSecretPattern('x/.aws/credentials'), 'credentials');
  assert.equal(matchSecretPattern('src/a.ts'), undefined);
  assert.ok(SECRET_PATTERNS.includes('.env') && SECRET_PATTERNS.includes('*.tfvars'));
});
