-- Every staff request checks that its access token still speaks for its member
-- (api/src/core/auth/staff-access.ts). Inside the tenant's row-level security that is a
-- transaction of its own (BEGIN, SET LOCAL app.tenant_id, SELECT, COMMIT); this makes it one
-- statement on the pool. It runs as maxl_platform, like tenant_id_by_slug, and answers for
-- exactly the row the (tenant, staff) pair names: a staff id of another tenant gives nothing.
-- The pair comes from a token the API signed, and the answer is no more than that token already
-- claims (role, activation, access generation).
CREATE FUNCTION staff_access(p_tenant_id uuid, p_staff_id uuid)
  RETURNS TABLE (role staff_role, is_active boolean, access_generation integer)
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
    SELECT s.role, s.is_active, s.access_generation
      FROM staff_users s
     WHERE s.tenant_id = p_tenant_id AND s.id = p_staff_id
  $$;
REVOKE ALL ON FUNCTION staff_access(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION staff_access(uuid, uuid) TO maxl_app;
GRANT CREATE ON SCHEMA public TO maxl_platform;
ALTER FUNCTION staff_access(uuid, uuid) OWNER TO maxl_platform;
REVOKE CREATE ON SCHEMA public FROM maxl_platform;
