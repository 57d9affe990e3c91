package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertInvalidField;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/v1/jobs}: newest first, filters, limits and cursor pages. */
@ExtendWith(VertxExtension.class)
@DisplayName("GET /api/v1/jobs")
class ListApiTest {
  private static final long LATER = 600_000;

  private TestEngine engine;
  private Rest rest;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  /** Submits one after another (so each is newer than the last); their ids in submission order. */
  private Future<List<String>> submitInOrder(List<JsonObject> submissions) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject submission : submissions) {
      chain = chain.compose(v -> rest.submit(submission)).map(job -> {
        ids.add(job.getString("id"));
        return null;
      });
    }
    return chain.map(v -> ids);
  }

  private static List<JsonObject> queuedNoops(int n) {
    List<JsonObject> submissions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      submissions.add(aJob("demo.noop").delayMs(LATER).label("n", String.valueOf(i)).json());
    }
    return submissions;
  }

  private Future<JsonObject> page(String query) {
    return rest.get(JOBS + "?" + query).map(r -> {
      assertStatus(r, 200);
      assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
      return r.bodyAsJsonObject();
    });
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static String newestFirst(List<String> ids) {
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);
    return String.join(",", reversed);
  }

  @Test
  @DisplayName("lists jobs newest first as {items, nextCursor}")
  void listsNewestFirst(VertxTestContext test) {
    submitInOrder(queuedNoops(5))
        .compose(submitted -> page("").map(page -> {
          test.verify(() -> {
            assertEquals(newestFirst(submitted), String.join(",", ids(page)));
            assertNull(page.getValue("nextCursor"));
            JsonArray items = page.getJsonArray("items");
            for (int i = 1; i < items.size(); i++) {
              String newer = items.getJsonObject(i - 1).getString("createdAt");
              String older = items.getJsonObject(i).getString("createdAt");
              assertTrue(newer.compareTo(older) >= 0, newer + " listed before " + older);
            }
          });
          return page;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("filters by status, type and label=k:v (several labels all apply), alone and together")
  void filters(VertxTestContext test) {
    Checkpoint checked = test.checkpoint(9);
    submitInOrder(List.of(
            aJob("demo.noop").label("team", "a").json(),
            aJob("demo.noop").delayMs(LATER).label("team", "b").json(),
            aJob("demo.sleep").input("ms", 10).delayMs(LATER).label("team", "a").label("env", "prod").json()))
        .compose(ids -> rest.awaitStatus(ids.get(0), "succeeded").map(done -> ids))
        .onComplete(test.succeeding(ids -> {
          String a = ids.get(0);
          String b = ids.get(1);
          String c = ids.get(2);
          Map<String, String> expected = new LinkedHashMap<>(); // query -> the ids it lists, newest first
          expected.put("status=succeeded", a);
          expected.put("status=queued", c + "," + b);
          expected.put("type=demo.sleep", c);
          expected.put("type=demo.noop", b + "," + a);
          expected.put("label=team:a", c + "," + a);
          expected.put("label=team:a&label=env:prod", c);
          expected.put("type=demo.noop&status=queued", b);
          expected.put("type=demo.fail", "");
          expected.put("label=" + URLEncoder.encode("team:a", StandardCharsets.UTF_8) + "&status=cancelled", "");
          expected.forEach((query, want) -> page(query).onComplete(test.succeeding(page -> test.verify(() -> {
            assertEquals(want, String.join(",", ids(page)), "?" + query);
            checked.flag();
          }))));
        }));
  }

  @ParameterizedTest(name = "?{0}")
  @ValueSource(strings = {"limit=0", "limit=501", "limit=-1", "limit=ten", "status=sleeping", "label=team", "label=:a",
      "cursor=garbage!", "cursor=aGVsbG8", "cursor="})
  @DisplayName("a bad limit, status, label or cursor is 400 invalid_input naming it")
  void refusesBadQueries(String query, VertxTestContext test) {
    rest.get(JOBS + "?" + query).onComplete(test.succeeding(r -> test.verify(() -> {
      assertInvalidField(r, query.substring(0, query.indexOf('=')));
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("limit 500 is allowed, and limit 1 gives one item and a cursor")
  void limitBounds(VertxTestContext test) {
    submitInOrder(queuedNoops(2))
        .compose(ids -> page("limit=500").compose(all -> page("limit=1").map(one -> {
          test.verify(() -> {
            assertEquals(2, all.getJsonArray("items").size());
            assertEquals(List.of(ids.get(1)), ids(one));
            assertNotNull(one.getString("nextCursor"));
          });
          return one;
        })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("cursor pages cover every job once, in order, with a null cursor on the last page")
  void pagesWithACursor(VertxTestContext test) {
    submitInOrder(queuedNoops(7))
        .compose(submitted -> readAll("limit=3", null, new ArrayList<>()).map(pages -> {
          test.verify(() -> {
            assertEquals(List.of(3, 3, 1), pages.stream().map(p -> p.getJsonArray("items").size()).toList());
            List<String> seen = pages.stream().flatMap(p -> ids(p).stream()).toList();
            assertEquals(newestFirst(submitted), String.join(",", seen), "no duplicates, no gaps");
          });
          return pages;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("when the jobs fill the last page exactly, its cursor is null")
  void exactPages(VertxTestContext test) {
    submitInOrder(queuedNoops(6))
        .compose(submitted -> readAll("limit=3", null, new ArrayList<>()).map(pages -> {
          test.verify(() -> {
            assertEquals(2, pages.size(), "no empty third page");
            assertEquals(newestFirst(submitted), String.join(",", pages.stream().flatMap(p -> ids(p).stream()).toList()));
          });
          return pages;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a cursor keeps its filter's pages apart from other jobs, and jobs submitted meanwhile do not shift the pages")
  void pagesAFilteredListWhileJobsArrive(VertxTestContext test) {
    List<JsonObject> mixed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      mixed.add(i % 2 == 0 ? aJob("demo.noop").delayMs(LATER).json() : aJob("demo.sleep").input("ms", 10).delayMs(LATER).json());
    }
    submitInOrder(mixed).compose(ids -> page("type=demo.noop&limit=2").compose(first -> rest
            .submit(aJob("demo.noop").delayMs(LATER).json())
            .compose(newcomer -> page("type=demo.noop&limit=2&cursor=" + first.getString("nextCursor")).map(second -> {
              test.verify(() -> {
                assertEquals(List.of(ids.get(4), ids.get(2)), ids(first));
                assertEquals(List.of(ids.get(0)), ids(second), "the newcomer is newer than the cursor");
                assertNull(second.getValue("nextCursor"));
              });
              return second;
            }))))
        .onComplete(test.succeedingThenComplete());
  }

  /** Follows {@code nextCursor} until it is null; the pages read. */
  private Future<List<JsonObject>> readAll(String query, String cursor, List<JsonObject> pages) {
    return page(cursor == null ? query : query + "&cursor=" + cursor).compose(page -> {
      pages.add(page);
      assertTrue(pages.size() < 50, "paging does not end");
      String next = page.getString("nextCursor");
      return next == null ? Future.succeededFuture(pages) : readAll(query, next, pages);
    });
  }
}
