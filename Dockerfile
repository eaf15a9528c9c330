# Builds the SivTracker web app. Migrations run as their own step: `docker compose run --rm app migrate`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/SivTracker.Web -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl serves the container health check.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "SivTracker.Web.dll"]
