package dev.ferry.engine.postgres.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AclTextTest {
    @Test
    void undoingPrivilegesRevokesEachGrantAndGrantsEachRevokeBackInsideTheirSessionAuthorization() {
        String acl = String.join("\n",
                "REVOKE ALL ON FUNCTION public.f() FROM PUBLIC;",
                "GRANT SELECT,INSERT ON TABLE \"Odd TO\".\"t FROM x\" TO \"Bob TO\" WITH GRANT OPTION;",
                "GRANT SELECT(a) ON TABLE public.t TO bob;",
                "SET SESSION AUTHORIZATION alice;",
                "GRANT SELECT ON TABLE public.t TO carol;",
                "RESET SESSION AUTHORIZATION;",
                "REVOKE GRANT OPTION FOR SELECT ON TABLE public.t FROM dave;");

        assertThat(AclText.inverted(acl)).contains(java.util.List.of(
                "GRANT ALL ON FUNCTION public.f() TO PUBLIC;",
                "REVOKE SELECT,INSERT ON TABLE \"Odd TO\".\"t FROM x\" FROM \"Bob TO\" CASCADE;",
                "REVOKE SELECT(a) ON TABLE public.t FROM bob CASCADE;",
                "SET SESSION AUTHORIZATION alice;",
                "REVOKE SELECT ON TABLE public.t FROM carol CASCADE;",
                "RESET SESSION AUTHORIZATION;",
                "GRANT SELECT ON TABLE public.t TO dave WITH GRANT OPTION;"));
    }

    @Test
    void undoingDefaultPrivilegesKeepsTheirRoleAndSchema() {
        assertThat(AclText.inverted("ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA s GRANT SELECT ON TABLES  TO bob;"))
                .contains(java.util.List.of("ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA s REVOKE SELECT ON TABLES  "
                        + "FROM bob CASCADE;"));
    }

    @Test
    void aStatementOfAnotherFormCannotBeUndone() {
        assertThat(AclText.inverted("SECURITY LABEL ON TABLE t IS 'x';")).isEmpty();
    }

    @Test
    void writesADemotionTookFromOtherRolesDoNotCountButTheOwnersAndFerrysDo() {
        String source = "GRANT ALL ON TABLE public.t TO bob;\nGRANT SELECT,INSERT ON TABLE public.t TO ferry;\n"
                + "REVOKE ALL ON TABLE public.t FROM owner;\nGRANT SELECT,INSERT ON TABLE public.t TO owner;";
        String demoted = "GRANT SELECT,REFERENCES,TRIGGER ON TABLE public.t TO bob;\nGRANT SELECT,INSERT ON TABLE public.t TO ferry;\n"
                + "REVOKE ALL ON TABLE public.t FROM owner;\nGRANT SELECT,INSERT ON TABLE public.t TO owner;";

        assertThat(AclText.withoutDemotedWrites(demoted, "owner", "ferry", 15))
                .isEqualTo(AclText.withoutDemotedWrites(source, "owner", "ferry", 15));
        assertThat(AclText.withoutDemotedWrites(demoted.replace("TO ferry", "TO other"), "owner", "ferry", 15))
                .as("another role's INSERT is a demotion's").isEqualTo(AclText.withoutDemotedWrites(
                        source.replace("TO ferry", "TO other"), "owner", "ferry", 15));
        assertThat(AclText.withoutDemotedWrites(demoted.replace("SELECT,INSERT ON TABLE public.t TO ferry", "SELECT ON TABLE "
                + "public.t TO ferry"), "owner", "ferry", 15)).as("Ferry's own INSERT is not")
                .isNotEqualTo(AclText.withoutDemotedWrites(source, "owner", "ferry", 15));
        assertThat(AclText.withoutDemotedWrites(source.replace("GRANT ALL ON TABLE public.t TO bob", "GRANT INSERT ON TABLE "
                + "public.t TO bob"), "owner", "ferry", 15)).as("a grant of writes only disappears").doesNotContain("bob");
    }
}
