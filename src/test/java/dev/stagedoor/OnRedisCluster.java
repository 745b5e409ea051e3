package dev.stagedoor;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.ContextConfiguration;

/**
 * An {@link IntegrationTest} whose application runs against the JVM's own Redis Cluster of 3
 * masters ({@link TestInfrastructure#clusterProperties()}) instead of the standalone Redis,
 * with everything else of the run (database, Kafka topic, key prefix) unchanged. Put it on a
 * subclass of an existing integration test class to run its scenarios on the cluster. Both
 * initializers are named here (one {@code @ContextConfiguration} per class level is read), so
 * every class so annotated, subclass or not, shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@IntegrationTest
@ContextConfiguration(
		initializers = { TestInfrastructure.Initializer.class, TestInfrastructure.ClusterInitializer.class })
public @interface OnRedisCluster {

}
