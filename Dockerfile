# syntax=docker/dockerfile:1
# Build: docker build -t mail-gateway .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
COPY routes routes
RUN ./mvnw -B -q -DskipTests package && cp target/mail-gateway-*.jar /app.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 gateway && useradd --system --uid 10001 --gid gateway --home-dir /app gateway
WORKDIR /app
COPY --from=build --chown=root:root /app.jar /app/mail-gateway.jar
USER 10001:10001
EXPOSE 8080
ENV SPRING_PROFILES_ACTIVE=prod
ENTRYPOINT ["java", "-jar", "/app/mail-gateway.jar"]
