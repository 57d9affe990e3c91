package io.stagecoach.testing;

import io.stagecoach.store.JobStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

/** A real store with one of its methods wrapped, so that a test can watch or hold its calls. */
public final class InterceptedStore {
  private InterceptedStore() {
  }

  /** What runs instead of the wrapped method: {@code proceed} calls the real one. */
  public interface Around {
    Object call(Object[] args, Supplier<Object> proceed);
  }

  public static JobStore intercept(JobStore store, String methodName, Around around) {
    return (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
        (proxy, method, args) -> method.getName().equals(methodName)
            ? around.call(args, () -> invoke(method, store, args))
            : invoke(method, store, args));
  }

  private static Object invoke(Method method, JobStore store, Object[] args) {
    try {
      return method.invoke(store, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
