/**
 * Staff accounts and API tokens, from the command line (never over HTTP):
 *
 *   npm run staff:add    -- --id csr-li --name 李娜 --role csr [--centre north[,south]] [--label front-desk-pc]
 *   npm run staff:token  -- --id csr-li [--label phone]       another token for a person
 *   npm run staff:revoke -- --token <tokenId>                  one token
 *   npm run staff:revoke -- --staff csr-li                     deactivate a person, revoke all their tokens
 *   npm run staff:list
 *
 * The token is printed once; only its hash is stored.
 */
import { parseArgs } from 'node:util';
import { runWithDb } from './cli';
import { addStaffMember, deactivateStaffMember, issueToken, listStaff, revokeToken, staffMemberSchema } from '../api/staffTokens';

const usage = `usage: staff <add|token|revoke|list> [--id ID] [--name NAME] [--role ROLE] [--centre ID[,ID]] [--label LABEL] [--token TOKEN_ID] [--staff ID]`;

runWithDb(async (db) => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      label: { type: 'string', default: '' },
      token: { type: 'string' },
      staff: { type: 'string' },
      centre: { type: 'string' },
    },
  });
  switch (positionals[0]) {
    case 'add': {
      const parsed = staffMemberSchema.safeParse({ id: values.id, name: values.name, role: values.role });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
      const centres = values.centre ? values.centre.split(',').map((c) => c.trim()).filter(Boolean) : [];
      const issued = await addStaffMember(db, parsed.data, values.label, centres);
      console.log(JSON.stringify({ staff: issued.staff, tokenId: issued.tokenId, token: issued.token }, null, 2));
      console.error('The token is shown only once: hand it to the staff member now.');
      break;
    }
    case 'token': {
      if (!values.id) throw new Error('--id is required');
      const issued = await issueToken(db, values.id, values.label);
      console.log(JSON.stringify({ staff: issued.staff, tokenId: issued.tokenId, token: issued.token }, null, 2));
      break;
    }
    case 'revoke': {
      if (values.token) console.log(JSON.stringify({ revoked: await revokeToken(db, values.token) }));
      else if (values.staff) console.log(JSON.stringify({ deactivated: values.staff, tokensRevoked: await deactivateStaffMember(db, values.staff) }));
      else throw new Error('--token TOKEN_ID or --staff ID is required');
      break;
    }
    case 'list':
      console.log(JSON.stringify(await listStaff(db), null, 2));
      break;
    default:
      throw new Error(usage);
  }
});
