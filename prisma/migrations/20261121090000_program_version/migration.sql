-- The points verbs cache a tenant's program and levels by loyalty_programs.version. Every change
-- to either bumps that version in the same transaction, so a cache can never serve stale rules:
-- the verb reads the version under the guest's lock and reloads when it moved.
CREATE FUNCTION loyalty_program_bump_version() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_TABLE_NAME = 'loyalty_programs' THEN
    IF NEW.version = OLD.version THEN
      NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
  END IF;
  UPDATE loyalty_programs SET version = version + 1 WHERE tenant_id = coalesce(NEW.tenant_id, OLD.tenant_id);
  RETURN NULL;
END
$$;

CREATE TRIGGER loyalty_programs_bump_version BEFORE UPDATE ON loyalty_programs
  FOR EACH ROW EXECUTE FUNCTION loyalty_program_bump_version();
CREATE TRIGGER levels_bump_program_version AFTER INSERT OR UPDATE OR DELETE ON levels
  FOR EACH ROW EXECUTE FUNCTION loyalty_program_bump_version();
