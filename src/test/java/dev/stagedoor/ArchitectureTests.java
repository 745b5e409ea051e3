package dev.stagedoor;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The house rules, checked on the production classes: feature packages without cycles, one
 * package that knows Kafka's client, each feature's scripts its own, and controllers that
 * leave the stores to the features.
 */
class ArchitectureTests {

	static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.stagedoor");

	@Test
	void featurePackagesHaveNoCycles() {
		slices().matching("dev.stagedoor.(*)..").should().beFreeOfCycles().check(MAIN);
	}

	@Test
	void onlyEventsKafkaUsesTheKafkaClients() {
		noClasses().that()
			.resideOutsideOfPackage("dev.stagedoor.events.kafka..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("reactor.kafka..", "org.apache.kafka..")
			.because("swapping the Kafka client (reactor-kafka is discontinued) must touch events.kafka only")
			.check(MAIN);
	}

	@Test
	void scriptsAreUsedOnlyByTheirOwnFeature() {
		classes().that()
			.haveSimpleNameEndingWith("Scripts")
			.and()
			.resideOutsideOfPackage("dev.stagedoor.support..")
			.should(beUsedOnlyInTheirOwnPackage())
			.because("a feature's Lua scripts are its state transitions; others ask the feature")
			.check(MAIN);
	}

	@Test
	void controllersDoNotTouchRedisOrPostgresDirectly() {
		noClasses().that()
			.haveSimpleNameEndingWith("Controller")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework.data.redis..", "io.lettuce..", "org.springframework.r2dbc..",
					"io.r2dbc..")
			.check(MAIN);
	}

	private static ArchCondition<JavaClass> beUsedOnlyInTheirOwnPackage() {
		return new ArchCondition<>("be used only by classes of their own package") {
			@Override
			public void check(JavaClass scripts, ConditionEvents events) {
				for (Dependency dependency : scripts.getDirectDependenciesToSelf()) {
					JavaClass user = dependency.getOriginClass();
					boolean sameFeature = user.getPackageName().equals(scripts.getPackageName());
					if (!sameFeature) {
						events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
					}
				}
			}
		};
	}


}
