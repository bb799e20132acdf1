-- Queries issued by the admin API, as logged by the ORM (parameters inlined).

-- GET /admin/users
SELECT u.id, u.email, u.full_name, u.is_admin, u.last_seen_at
FROM users u
ORDER BY u.created_at DESC
LIMIT 50;

-- POST /admin/organizations/42/invitations
INSERT INTO user_invitations (organization_id, email, role, token, invited_by, expires_at)
VALUES (42, 'new.member@example.com', 'member', 'k3J9xQ2vLw', 7, now() + interval '7 days')
RETURNING id;

-- GET /admin/invitations?organization_id=42
SELECT i.id, i.email, i.role, i.expires_at, u.full_name AS invited_by_name
FROM user_invitations i
JOIN users u ON u.id = i.invited_by
WHERE i.organization_id = 42 AND i.accepted_at IS NULL
ORDER BY i.created_at DESC;

-- GET /admin/signups/pending
SELECT q.id, q.email, q.full_name, q.requested_at, o.name AS organization
FROM pending_signup_queue q
JOIN organizations o ON o.id = q.organization_id
WHERE q.status = 'pending'
ORDER BY q.requested_at;

-- POST /admin/signups/1001/approve
UPDATE pending_signup_queue
SET status = 'approved', reviewed_by = 7, reviewed_at = now()
WHERE id = 1001;
