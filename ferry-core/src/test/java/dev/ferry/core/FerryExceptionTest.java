package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FerryExceptionTest {
    @Test
    void aRemedyGivenApartEndsTheMessageAndCanBeReadAlone() {
        var e = new FerryException(ErrorCode.FAILED_PRECONDITION, "TLS to PostgreSQL at db:5432 failed",
                "enable TLS on the server", null);

        assertThat(e.getMessage()).isEqualTo("TLS to PostgreSQL at db:5432 failed; enable TLS on the server");
        assertThat(e.problem()).isEqualTo("TLS to PostgreSQL at db:5432 failed");
        assertThat(e.remedy()).contains("enable TLS on the server");
    }

    @Test
    void aMessageWithoutARemedyApartIsTheProblem() {
        var e = new FerryException(ErrorCode.NOT_FOUND, "Job x does not exist; list the jobs with ferry jobs list");

        assertThat(e.problem()).isEqualTo(e.getMessage());
        assertThat(e.remedy()).isEmpty();
    }
}
