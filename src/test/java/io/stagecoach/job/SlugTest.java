package io.stagecoach.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlugTest {

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @DisplayName("a key is the name in lower case with every run of non-alphanumerics one underscore, trimmed")
  @CsvSource(delimiter = '|', textBlock = """
      Total files          | total_files
      '  Weird--Name!! '   | weird_name
      Captures grouped     | captures_grouped
      Data storage sync    | data_storage_sync
      already_snake        | already_snake
      __dunder__           | dunder
      HTTP 2xx Responses   | http_2xx_responses
      step 3/10            | step_3_10
      '!!!'                | _
      """)
  void examples(String name, String key) {
    assertEquals(key, Slug.of(name));
  }

  @Test
  @DisplayName("Param.of keys a param by the slug of its name")
  void paramKey() {
    assertEquals(new Param("total_files", "Total files", 857), Param.of("Total files", 857));
  }

  @Test
  @DisplayName("setting a param again replaces its value where it first appeared")
  void setParamReplacesInPlace() {
    Stage stage = new Stage("regroup_events", "Regroup events", 1);
    stage.start(Instant.EPOCH);

    stage.setParam("Total files", 1);
    stage.setParam("Captures grouped", 10);
    stage.setParam("Total files", 857);
    stage.setParam("total-files", 858);

    assertEquals(List.of(new Param("total_files", "total-files", 858), new Param("captures_grouped", "Captures grouped", 10)),
        stage.params());
  }
}
