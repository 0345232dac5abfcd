# Builds the four ObjectKV processes into one image; compose.yaml picks the process by command.
FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests -Dspotless.check.skip=true package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/writer/target/objectkv-writer.jar /app/writer/objectkv-writer.jar
COPY --from=build /src/writer/target/lib /app/writer/lib
COPY --from=build /src/compactor/target/objectkv-compactor.jar /app/compactor/objectkv-compactor.jar
COPY --from=build /src/compactor/target/lib /app/compactor/lib
COPY --from=build /src/reader/target/objectkv-reader.jar /app/reader/objectkv-reader.jar
COPY --from=build /src/reader/target/lib /app/reader/lib
COPY --from=build /src/api-gateway/target/objectkv-api-gateway.jar /app/api-gateway/objectkv-api-gateway.jar
COPY --from=build /src/api-gateway/target/lib /app/api-gateway/lib
RUN mkdir -p /var/lib/objectkv
CMD ["java", "-jar", "/app/api-gateway/objectkv-api-gateway.jar", "--help"]
