# Runtime image for the jar built by ./mvnw -B package
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/stagedoor-*.jar /app/stagedoor.jar
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/stagedoor.jar"]
