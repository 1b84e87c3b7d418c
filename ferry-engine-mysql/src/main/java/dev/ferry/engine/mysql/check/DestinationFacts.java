package dev.ferry.engine.mysql.check;

import java.util.List;
import java.util.Map;

/**
 * What the checks read from a destination, and from the source about it: the destination's address, whether it
 * accepts LOAD DATA LOCAL, writes a binary log and trusts function creators, the user's grants and account; the
 * source's definer accounts missing on the destination with the objects they define ({@code definersChecked} false
 * when the destination user may not read the account list), and how many source functions and triggers will be
 * created. Immutable.
 */
public record DestinationFacts(String server, boolean localInfile, boolean binlog, boolean trustFunctionCreators,
        Grants grants, String account, Map<String, List<String>> missingDefiners, boolean definersChecked,
        int functionsAndTriggers) {
    public DestinationFacts {
        missingDefiners = Map.copyOf(missingDefiners);
    }
}
